/**
 * Sends a region of an open file to a socket at the speed of the disk: reads
 * run ahead into a few reused large buffers while earlier ones are on the
 * wire, and a buffer is read into again only once the socket has written it
 * (its write callback fired). No stream machinery, no allocation per chunk.
 * Where the zero-copy addon is built (Linux), the kernel sends the file
 * itself (sendfile) and none of that runs.
 */
import {readAt} from './read-at.js';
import type {Socket} from 'node:net';
import {WriteStalledError} from '../net/socket-io.js';
import {limitDefault, type LimitName} from '../limits.js';
import {
  isZeroCopyError,
  startZeroCopy,
  zeroCopyFull,
  type ZeroCopyTransfer,
} from '../native/zero-copy.js';

/** Buffers of one transfer: one on the wire, the others being read ahead. */
const BUFFERS_PER_SEND = 3;
const BIG_BUFFER_BYTES = 1024 * 1024;
/** Senders beyond this many at once use small buffers, so memory stays bounded. */
const BIG_BUFFER_SENDS = limitDefault('large-buffer-sends');
const SMALL_BUFFER_BYTES = 64 * 1024;
/** How sendfile says a file (some special file systems) cannot be sent by it. */
const NO_SENDFILE = new Set(['EINVAL', 'ENOSYS']);
/** Below this a thread of its own costs more than the copies it saves. */
const ZERO_COPY_MIN_BYTES = 256 * 1024;

const spareBigBuffers: Buffer[] = [];
let bigSends = 0;

export class FileChangedError extends Error {
  readonly code = 'ERR_FILE_CHANGED';
}

export type SendOptions = {
  /** A reader that takes nothing for this long is cut. */
  stallMs?: number;
  /** Told when a limit makes this send slower (the caller names the peer). */
  onLimit?: (name: LimitName, detail: string) => void;
};

/**
 * Writes bytes [start, start + length) of `fd` to `socket`. Rejects with
 * WriteStalledError (and destroys the socket) when the reader takes nothing
 * for `stallMs`, with FileChangedError when the file got shorter.
 */
export async function sendFileRegion(
  socket: Socket,
  fd: number,
  start: number,
  length: number,
  {stallMs, onLimit}: SendOptions = {},
): Promise<void> {
  if (length === 0) return;
  // Only with every earlier write (the header) already with the kernel.
  const wantsZeroCopy = length >= ZERO_COPY_MIN_BYTES && socket.writableLength === 0;
  if (wantsZeroCopy) {
    const zeroCopy = startZeroCopy({
      direction: 'send',
      socket,
      fd,
      position: start,
      length,
      stallMs: stallMs ?? 0,
    });
    if (zeroCopy && (await finishZeroCopySend(zeroCopy, socket, length, stallMs))) return;
    if (zeroCopyFull()) onLimit?.('zero-copy-transfers', 'sending through JavaScript');
  }
  const wantsBig = length > SMALL_BUFFER_BYTES;
  const big = wantsBig && bigSends < BIG_BUFFER_SENDS;
  if (big) bigSends++;
  else if (wantsBig) onLimit?.('large-buffer-sends', 'sending with 64 KiB buffers');
  const size = big ? BIG_BUFFER_BYTES : SMALL_BUFFER_BYTES;
  const free: Buffer[] = [];
  for (let index = 0; index < BUFFERS_PER_SEND; index++) {
    free.push((big && spareBigBuffers.pop()) || Buffer.allocUnsafe(size));
  }
  const owned = [...free];
  let wakeUp: (() => void) | undefined;
  let failure: Error | undefined;
  let inFlight = 0;
  const onClose = (): void => {
    failure ??= new Error('socket closed while writing');
    wakeUp?.();
  };
  socket.once('close', onClose);
  /** Resolves when a buffer is free (a write finished) or the send failed. */
  const bufferFreed = (): Promise<void> =>
    new Promise((resolve) => {
      const timer =
        stallMs === undefined
          ? undefined
          : setTimeout(() => {
              failure ??= new WriteStalledError(stallMs);
              socket.destroy();
              resolve();
            }, stallMs);
      wakeUp = () => {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      };
    });
  try {
    let position = start;
    const end = start + length;
    while (position < end) {
      while (free.length === 0 && failure === undefined) await bufferFreed();
      if (failure) throw failure;
      const buffer = free.pop() as Buffer;
      const wanted = Math.min(buffer.length, end - position);
      const read = await readAt(fd, buffer, wanted, position);
      if (read === 0) {
        free.push(buffer);
        throw new FileChangedError(
          `file changed while sending (${position - start} of ${length} bytes)`,
        );
      }
      position += read;
      if (failure) throw failure;
      inFlight++;
      socket.write(buffer.subarray(0, read), (error) => {
        inFlight--;
        if (error) failure ??= error;
        free.push(buffer);
        wakeUp?.();
      });
    }
    // The caller may end the socket; the buffers go back once written.
    while (inFlight > 0 && failure === undefined) await bufferFreed();
    if (failure) throw failure;
  } finally {
    socket.off('close', onClose);
    if (big) {
      bigSends--;
      // Only buffers no write still holds may be reused by another send.
      if (inFlight === 0) spareBigBuffers.push(...owned.slice(0, BUFFERS_PER_SEND));
      spareBigBuffers.length = Math.min(
        spareBigBuffers.length,
        BUFFERS_PER_SEND * BIG_BUFFER_SENDS,
      );
    }
  }
}

/**
 * Waits for the kernel to have sent the region, and says why not as
 * sendFileRegion does; false when the file takes no sendfile (nothing was
 * sent: the JavaScript path sends it).
 */
async function finishZeroCopySend(
  transfer: ZeroCopyTransfer,
  socket: Socket,
  length: number,
  stallMs: number | undefined,
): Promise<boolean> {
  let sent: number;
  try {
    sent = await transfer.done;
  } catch (error) {
    if (!isZeroCopyError(error)) throw error;
    if (NO_SENDFILE.has(error.code) && error.bytes === 0) return false;
    if (error.code === 'ETIMEDOUT' && stallMs !== undefined) {
      socket.destroy();
      throw new WriteStalledError(stallMs);
    }
    if (error.code === 'ECANCELED') throw new Error('socket closed while writing');
    throw error;
  }
  if (sent < length) {
    throw new FileChangedError(`file changed while sending (${sent} of ${length} bytes)`);
  }
  return true;
}
