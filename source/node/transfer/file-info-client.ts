/**
 * Asks a source for a file's size and SHA-256 (FINF). An original peer closes
 * on the unknown type without a byte: that is "unsupported", the signal to
 * fetch from it with plain FGET.
 */
import {MessageType, type PeerAddress} from '../../protocol/messages.js';
import {RemoteError} from '../../protocol/errors.js';
import {
  parseFileInfo,
  TransferMessageType,
  type FileInfo,
} from '../../protocol/transfer-messages.js';
import {addressText, requestFrames, type RequestOptions} from '../net/peer-client.js';
import {UnexpectedReplyError} from '../../protocol/errors.js';

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
  const first = frames[0];
  if (!first) return {kind: 'unsupported'};
  const text = first.data.toString('utf8');
  if (first.type === MessageType.error) throw new RemoteError(addressText(address), text);
  if (first.type !== MessageType.reply) {
    throw new UnexpectedReplyError(addressText(address), `${first.type} to FINF`);
  }
  return {kind: 'info', info: parseFileInfo(text)};
}
