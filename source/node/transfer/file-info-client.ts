/**
 * Asks a source for a file's size and SHA-256 (FINF). An original peer closes
 * on the unknown type without a byte: that is "unsupported", the signal to
 * fetch from it with plain FGET.
 */
import type {PeerAddress} from '../../protocol/messages.js';
import {
  parseFileInfo,
  TransferMessageType,
  type FileInfo,
} from '../../protocol/transfer-messages.js';
import {
  extensionReplyText,
  requestFrames,
  type RequestOptions,
} from '../net/peer-client.js';

export type InfoAnswer = {kind: 'info'; info: FileInfo} | {kind: 'unsupported'};

export async function askFileInfo(
  address: PeerAddress,
  wireName: Buffer,
  options: RequestOptions,
): Promise<InfoAnswer> {
  const frames = await requestFrames(
    address,
    TransferMessageType.fileInfo,
    wireName,
    options,
  );
  const text = extensionReplyText(address, frames, 'FINF');
  if (text === undefined) return {kind: 'unsupported'};
  return {kind: 'info', info: parseFileInfo(text)};
}
