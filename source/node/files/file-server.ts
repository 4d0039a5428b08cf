/**
 * The serving side of FGET, SIZE and the transfer extensions FINF, FRNG and FSUM:
 * only files this node shares itself (never names learned from RESP), each
 * opened with the checks of shared-file.ts, and sent from disk so that file
 * size does not grow memory.
 */
import {describeError} from '../../protocol/errors.js';
import {MAX_FRAME_DATA} from '../../protocol/frame.js';
import {MessageType, ReplyText} from '../../protocol/messages.js';
import {createHash} from 'node:crypto';
import {
  formatFileInfo,
  formatSums,
  parseRangeRequest,
  parseSumsRequest,
  type RangeRequest,
  type SumsRequest,
} from '../../protocol/transfer-messages.js';
import {limitDefault, limitHit} from '../limits.js';
import {hashRegion} from './hash-region.js';
import {peerText} from '../../text/terminal-safe.js';
import {decodeWireName} from '../../protocol/wire-name.js';
import type {FileCatalog} from './file-catalog.js';
import type {ShareHasher} from './hash-shares.js';
import {openSharedFile, type OpenedShare} from './shared-file.js';
import type {ReplyWriter} from '../net/peer-server.js';
import type {LogLevel} from '../types.js';

export type ServeLog = (level: LogLevel, message: string) => void;

/** ERRO text for an FGET that one frame cannot carry (the original cannot either). */
export const TOO_LARGE_FOR_FGET =
  'File too large for FGET (over 4 GiB - 1 bytes); fetch it with filer-tui';

type ServeRequest = {wireName: string; remote: string};

/**
 * Opens the local share named by `wireName` and hands it to `use`, or answers
 * ERRO; the file is closed afterwards whatever happens.
 */
async function withShare(
  catalog: FileCatalog,
  request: ServeRequest & {what: string},
  reply: ReplyWriter,
  log: ServeLog,
  use: (share: OpenedShare, name: string, sharePath: string) => Promise<void>,
): Promise<void> {
  const name = decodeWireName(request.wireName);
  const share = catalog.localShare(name);
  if (!share) {
    log(
      'warn',
      `refused ${request.what} of "${peerText(name)}" from ${request.remote}: not shared here`,
    );
    return reply.send(MessageType.error, ReplyText.fileNotFound);
  }
  let opened: OpenedShare;
  try {
    opened = await openSharedFile(share.path, {anySize: true});
  } catch (error) {
    log('warn', `cannot serve ${name}: ${describeError(error)}`);
    return reply.send(MessageType.error, ReplyText.fileReadError);
  }
  try {
    await use(opened, name, share.path);
  } finally {
    await opened.handle.close().catch(() => undefined);
  }
}

/** FGET: REPL with the header from the file's size, then its bytes; or ERRO. */
export function serveFile(
  catalog: FileCatalog,
  request: ServeRequest,
  reply: ReplyWriter,
  log: ServeLog,
): Promise<void> {
  return withShare(
    catalog,
    {...request, what: 'FGET'},
    reply,
    log,
    async (share, name) => {
      if (share.size > MAX_FRAME_DATA) {
        log('info', `refused FGET of ${name} from ${request.remote}: over 4 GiB - 1`);
        return reply.send(MessageType.error, TOO_LARGE_FOR_FGET);
      }
      log('info', `sending ${name} (${share.size} bytes) to ${request.remote}`);
      await reply.sendFileRegion(MessageType.reply, share.handle.fd, 0, share.size);
    },
  );
}

/** FRNG: REPL with exactly the asked bytes; ERRO when the range is not in the file. */
export async function serveRange(
  catalog: FileCatalog,
  request: {data: string; remote: string},
  reply: ReplyWriter,
  log: ServeLog,
): Promise<void> {
  let range: RangeRequest;
  try {
    range = parseRangeRequest(request.data);
  } catch (error) {
    log('warn', `FRNG from ${request.remote}: ${describeError(error)}`);
    return reply.send(MessageType.error, 'Range: incorrect arguments');
  }
  const serve = {wireName: range.wireName, remote: request.remote, what: 'FRNG'};
  return withShare(catalog, serve, reply, log, async (share, name) => {
    if (range.offset + range.length > share.size) {
      return reply.send(MessageType.error, `Range: beyond the end (${share.size} bytes)`);
    }
    const end = range.offset + range.length;
    log('debug', `sending ${name} bytes ${range.offset}-${end} to ${request.remote}`);
    await reply.sendFileRegion(
      MessageType.reply,
      share.handle.fd,
      range.offset,
      range.length,
    );
  });
}

/** ERRO text when every FSUM slot is taken: the asker checks the bytes later instead. */
export const SUMS_BUSY = 'Busy: too many FSUM requests, try again later';

/**
 * FSUM: REPL with the SHA-256 of each chunk of the asked range, read from
 * disk now (never from a cache: the file may have changed). Hashing costs
 * the whole range's reading, so at most `range-sum-jobs` run at once.
 */
export class RangeSumServer {
  private running = 0;

  constructor(
    private readonly catalog: FileCatalog,
    private readonly log: ServeLog,
    private readonly maxJobs = limitDefault('range-sum-jobs'),
  ) {}

  async answer(
    request: {data: string; remote: string},
    reply: ReplyWriter,
  ): Promise<void> {
    let sums: SumsRequest;
    try {
      sums = parseSumsRequest(request.data);
    } catch (error) {
      this.log('warn', `FSUM from ${request.remote}: ${describeError(error)}`);
      return reply.send(MessageType.error, 'Sums: incorrect arguments');
    }
    if (this.running >= this.maxJobs) {
      limitHit(
        this.log,
        'range-sum-jobs',
        request.remote,
        `FSUM of ${sums.length} bytes`,
      );
      return reply.send(MessageType.error, SUMS_BUSY);
    }
    this.running++;
    try {
      const serve = {wireName: sums.wireName, remote: request.remote, what: 'FSUM'};
      await withShare(this.catalog, serve, reply, this.log, async (share) => {
        const end = sums.offset + sums.length;
        if (end > share.size) {
          return reply.send(
            MessageType.error,
            `Range: beyond the end (${share.size} bytes)`,
          );
        }
        const hashes: string[] = [];
        const buffer = Buffer.allocUnsafe(Math.min(sums.chunk, 1024 * 1024));
        for (let start = sums.offset; start < end; start += sums.chunk) {
          const hash = createHash('sha256');
          const stop = Math.min(end, start + sums.chunk);
          await hashRegion(share.handle.fd, hash, start, stop, undefined, buffer);
          hashes.push(hash.digest('hex'));
        }
        await reply.send(MessageType.reply, formatSums(hashes));
      });
    } finally {
      this.running--;
    }
  }
}

/** FINF: REPL `<size> <sha256>` (or `<size> -` while it is being hashed), or ERRO. */
export function answerFileInfo(
  catalog: FileCatalog,
  hasher: ShareHasher,
  request: ServeRequest,
  reply: ReplyWriter,
  log: ServeLog,
): Promise<void> {
  const serve = {...request, what: 'FINF'};
  return withShare(catalog, serve, reply, log, async (share, _name, sharePath) => {
    const sha256 = await hasher.known(sharePath, share.size, share.mtimeMs);
    if (!sha256) hasher.request(sharePath, true);
    await reply.send(MessageType.reply, formatFileInfo({size: share.size, sha256}));
  });
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
    const {handle, size} = await openSharedFile(share.path, {anySize: true});
    await handle.close();
    return await reply.send(MessageType.reply, String(size));
  } catch {
    return reply.send(MessageType.error, ReplyText.fileReadError);
  }
}
