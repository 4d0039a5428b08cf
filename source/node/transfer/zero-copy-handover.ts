/**
 * Handing the rest of a received body to the zero-copy addon (splice: socket
 * to file without passing through this process's memory). Only when nothing
 * needs to see the bytes on their way (no hashing, no injected writer) and
 * the body is large enough to be worth a thread; the receiver keeps the
 * header, the first bytes that came with it, and everything after the body.
 */
import type {Socket} from 'node:net';
import {PeerTimeoutError} from '../../protocol/errors.js';
import {isZeroCopyError, startZeroCopy, zeroCopyAvailable} from '../native/zero-copy.js';
import {DiskWriteError} from './transfer-errors.js';

/** Smaller bodies are received in JavaScript: a thread costs more than it saves. */
const ZERO_COPY_MIN_BYTES = 4 * 1024 * 1024;
/** How often progress is read from the receiving thread. */
const PROGRESS_EVERY_MS = 200;

/** Whether a body of `length` bytes may be received zero-copy (here, with this request). */
export function wantsZeroCopy(
  request: {onBatch?: unknown; writeAt?: unknown},
  length: number,
): boolean {
  return (
    request.onBatch === undefined &&
    request.writeAt === undefined &&
    length >= ZERO_COPY_MIN_BYTES &&
    zeroCopyAvailable()
  );
}

export type HandoverRequest = {
  socket: Socket;
  fd: number;
  /** Where the first byte still to come goes in the file, and how many come. */
  position: number;
  length: number;
  idleTimeoutMs: number;
  peer: string;
  fileLabel: string;
  /** Bytes of this handover received so far. */
  onProgress: (moved: number) => void;
};

export type HandoverResult = {
  /** Bytes now in the file. */
  moved: number;
  /** Why it stopped early, as one line for a person. */
  error?: Error;
  /** The source closed before the last byte. */
  peerClosed: boolean;
};

/**
 * Receives the rest of the body into the file; undefined when the addon
 * cannot (the caller receives in JavaScript). The socket must not be read
 * meanwhile; its idle timeout is off (the thread watches stalls) and comes
 * back at the end. The promise never rejects.
 */
export function receiveRestZeroCopy(
  request: HandoverRequest,
): Promise<HandoverResult> | undefined {
  const {socket, idleTimeoutMs} = request;
  const transfer = startZeroCopy({
    direction: 'receive',
    socket,
    fd: request.fd,
    position: request.position,
    length: request.length,
    stallMs: idleTimeoutMs,
  });
  if (!transfer) return;
  socket.setTimeout(0);
  const progress = setInterval(
    () => request.onProgress(transfer.progress()),
    PROGRESS_EVERY_MS,
  );
  return transfer.done
    .then(
      (moved): HandoverResult => ({moved, peerClosed: moved < request.length}),
      (error: unknown): HandoverResult => ({
        moved: isZeroCopyError(error) ? error.bytes : transfer.progress(),
        error: handoverError(error, request),
        peerClosed: false,
      }),
    )
    .finally(() => {
      clearInterval(progress);
      if (!socket.destroyed) socket.setTimeout(idleTimeoutMs);
    });
}

/** The same errors the JavaScript receiver gives for the same causes. */
function handoverError(error: unknown, request: HandoverRequest): Error {
  if (!isZeroCopyError(error)) return error as Error;
  if (error.side === 'file') return new DiskWriteError(request.fileLabel, error);
  if (error.code === 'ETIMEDOUT') {
    return new PeerTimeoutError(request.peer, 'sending the file');
  }
  return error;
}
