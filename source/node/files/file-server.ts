/**
 * The serving side of FGET and SIZE: only files this node shares itself
 * (never names learned from RESP), streamed from disk so that file size
 * does not grow memory.
 */
import fs from 'node:fs/promises';
import {describeError} from '../../protocol/errors.js';
import {MessageType, ReplyText} from '../../protocol/messages.js';
import {peerText} from '../../text/terminal-safe.js';
import {decodeWireName} from '../../protocol/wire-name.js';
import type {FileCatalog} from './file-catalog.js';
import {openSharedFile} from './shared-file.js';
import type {ReplyWriter} from '../net/peer-server.js';
import type {LogLevel} from '../types.js';

export type ServeLog = (level: LogLevel, message: string) => void;

/** FGET: REPL with the header from the file's size, then its bytes; or ERRO. */
export async function serveFile(
  catalog: FileCatalog,
  request: {wireName: string; remote: string},
  reply: ReplyWriter,
  log: ServeLog,
): Promise<void> {
  const name = decodeWireName(request.wireName);
  const share = catalog.localShare(name);
  if (!share) {
    log(
      'warn',
      `refused FGET of "${peerText(name)}" from ${request.remote}: not shared here`,
    );
    return reply.send(MessageType.error, ReplyText.fileNotFound);
  }
  let handle: fs.FileHandle | undefined;
  try {
    let size: number;
    try {
      ({handle, size} = await openSharedFile(share.path));
    } catch (error) {
      log('warn', `cannot serve ${name}: ${describeError(error)}`);
      return await reply.send(MessageType.error, ReplyText.fileReadError);
    }
    log('info', `sending ${name} (${size} bytes) to ${request.remote}`);
    await reply.sendFileRegion(MessageType.reply, handle.fd, 0, size);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** SIZE extension: REPL with the decimal size of a local share, or ERRO. */
export async function answerSize(
  catalog: FileCatalog,
  wireName: string,
  reply: ReplyWriter,
): Promise<void> {
  const share = catalog.localShare(decodeWireName(wireName));
  if (!share) return reply.send(MessageType.error, ReplyText.fileNotFound);
  try {
    const {handle, size} = await openSharedFile(share.path);
    await handle.close();
    return await reply.send(MessageType.reply, String(size));
  } catch {
    return reply.send(MessageType.error, ReplyText.fileReadError);
  }
}
