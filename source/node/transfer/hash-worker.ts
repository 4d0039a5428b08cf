/**
 * The body of the hashing worker thread (see prefix-hasher.ts): SHA-256 of
 * the part file's written prefix, read back from the page cache through the
 * receiver's descriptor, on a thread the receive loop does not share. It only
 * imports Node's own modules, so the build can ship it as one small file.
 *
 * In:  {end}          bytes [0, end) are written; hash up to there.
 *      {end, finish}  every byte is written; reply with the digest.
 *      {offer}        a received batch in shared memory, at `position` of the
 *                     file: hashed from memory when it is next in line (no
 *                     read-back), else left for the read-back; always released.
 * Out: {hashed}       progress, every PROGRESS_STEP bytes and when caught up.
 *      {released}     the offer with this id is no longer read: reusable.
 *      {digest}       the hex SHA-256; the thread then ends.
 *      {error}        a read failed or the file ended early; the thread ends.
 */
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import {parentPort, receiveMessageOnPort, workerData} from 'node:worker_threads';

export type HashWorkerData = {fd: number};
export type HashOffer = {
  id: number;
  memory: SharedArrayBuffer;
  offset: number;
  length: number;
  position: number;
};
export type HashWorkerRequest = {end: number; finish?: boolean} | {offer: HashOffer};
export type HashWorkerReply =
  {hashed: number} | {released: number} | {digest: string} | {error: string};

const PIECE_BYTES = 1024 * 1024;
const PROGRESS_STEP = 16 * PIECE_BYTES;

function run(port: NonNullable<typeof parentPort>, {fd}: HashWorkerData): void {
  const hash = createHash('sha256');
  /** One read buffer for the whole file: memory stays flat. */
  const buffer = Buffer.allocUnsafe(PIECE_BYTES);
  let hashed = 0;
  let target = 0;
  let finishing = false;
  let reported = 0;
  const reply = (message: HashWorkerReply): void => port.postMessage(message);
  const accept = (request: HashWorkerRequest): void => {
    if ('offer' in request) {
      const {id, memory, offset, length, position} = request.offer;
      if (position === hashed) {
        hash.update(new Uint8Array(memory, offset, length));
        hashed += length;
      }
      reply({released: id});
      return;
    }
    target = Math.max(target, request.end);
    finishing ||= request.finish === true;
  };
  const stop = (message: HashWorkerReply): void => {
    reply(message);
    port.close();
  };

  /** Hashes up to the target, taking new targets between pieces without yielding. */
  const pump = (): void => {
    for (;;) {
      for (
        let next = receiveMessageOnPort(port);
        next;
        next = receiveMessageOnPort(port)
      ) {
        accept(next.message as HashWorkerRequest);
      }
      if (hashed >= target) break;
      const length = Math.min(PIECE_BYTES, target - hashed);
      const read = fs.readSync(fd, buffer, 0, length, hashed);
      if (read === 0)
        throw new Error(`the part file ended at ${hashed} of ${target} bytes`);
      hash.update(buffer.subarray(0, read));
      hashed += read;
      if (hashed - reported >= PROGRESS_STEP) {
        reported = hashed;
        reply({hashed});
      }
    }
    if (finishing) return stop({digest: hash.digest('hex')});
    if (reported !== hashed) reply({hashed: (reported = hashed)});
  };

  port.on('message', (request: HashWorkerRequest) => {
    accept(request);
    try {
      pump();
    } catch (error) {
      stop({error: (error as Error).message});
    }
  });
}

if (parentPort) run(parentPort, workerData as HashWorkerData);
