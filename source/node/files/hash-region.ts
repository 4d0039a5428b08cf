/**
 * SHA-256 over a region of an open file, read in 1 MiB pieces: each piece is
 * one short turn of the event loop, so the node keeps answering while a large
 * file is hashed.
 */
import {readAt} from './read-at.js';

/** What the bytes are fed to: a Hash, or several at once. */
export type HashSink = {update(data: Buffer): unknown};

export const PIECE_BYTES = 1024 * 1024;

/** Feeds bytes [start, end) of `fd` to `hash`; rejects if the file is shorter. */
export async function hashRegion(
  fd: number,
  hash: HashSink,
  start: number,
  end: number,
  signal?: AbortSignal,
  /** Reused between calls by a caller that hashes a file in steps. */
  given?: Buffer,
): Promise<void> {
  const buffer =
    given ?? Buffer.allocUnsafe(Math.min(PIECE_BYTES, Math.max(1, end - start)));
  let position = start;
  while (position < end) {
    signal?.throwIfAborted();
    const read = await readAt(
      fd,
      buffer,
      Math.min(buffer.length, end - position),
      position,
    );
    if (read === 0) throw new Error(`file ended at ${position} of ${end} bytes`);
    hash.update(buffer.subarray(0, read));
    position += read;
  }
}
