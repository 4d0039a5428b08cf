/**
 * The body of the hashing worker thread (see prefix-hasher.ts): SHA-256 of
 * the part file's written prefix, on a thread the receive loop does not
 * share. Work arrives through shared memory (hash-channel.ts), so the thread
 * sleeps in Atomics.wait between changes and no message crosses per batch:
 * - an offer (a received batch in shared memory, at a file position) is
 *   hashed in place when it is next in line, else left for the read-back;
 *   either way it is released, in order;
 * - bytes the written prefix covers that no offer brought are read back from
 *   the page cache through the receiver's descriptor;
 * - progress is the shared `hashed` count.
 * Messages in: {memory, index}, a batch's shared memory, once per memory (an
 * offer names it by index). Messages out: {digest} or {error}, once; the
 * thread then ends. It imports only Node's own modules and the channel,
 * which imports nothing, so the build ships it as a small file.
 */
import {createHash} from 'node:crypto';
import fs from 'node:fs';
import {
  parentPort,
  receiveMessageOnPort,
  workerData,
  type MessagePort,
} from 'node:worker_threads';
import {HashChannel, type ChannelOffer} from './hash-channel.js';

export type HashWorkerData = {fd: number; channel: SharedArrayBuffer};
export type HashWorkerRequest = {memory: SharedArrayBuffer; index: number};
export type HashWorkerReply = {digest: string} | {error: string};

const PIECE_BYTES = 1024 * 1024;

function run(
  port: MessagePort,
  fd: number,
  channel: HashChannel,
): HashWorkerReply | undefined {
  const hash = createHash('sha256');
  /** One read buffer for the whole file: memory stays flat. */
  const buffer = Buffer.allocUnsafe(PIECE_BYTES);
  const memories: SharedArrayBuffer[] = [];
  let registrations = 0;
  let hashed = 0;
  let taken = 0;

  /** The offer's memory, reading the registrations sent before it. */
  const memoryOf = (offer: ChannelOffer): SharedArrayBuffer | undefined => {
    while (registrations < offer.registrations) {
      const next = receiveMessageOnPort(port);
      if (!next) break;
      const {memory, index} = next.message as HashWorkerRequest;
      memories[index] = memory;
      registrations++;
    }
    return memories[offer.memory];
  };

  const readBack = (end: number): void => {
    const length = Math.min(PIECE_BYTES, end - hashed);
    const read = fs.readSync(fd, buffer, 0, length, hashed);
    if (read === 0) throw new Error(`the part file ended at ${hashed} of ${end} bytes`);
    hash.update(buffer.subarray(0, read));
    hashed += read;
  };

  for (;;) {
    const wake = channel.wakeCount;
    if (channel.stopped) return undefined;
    const finishing = channel.finishing;
    const target = channel.writtenEnd;
    const offer = channel.offer(taken);
    if (offer && offer.position > hashed && offer.position <= target) {
      // The bytes before it are written: read them back, then take it from memory.
      readBack(offer.position);
    } else if (offer) {
      const memory = offer.position === hashed ? memoryOf(offer) : undefined;
      if (memory) {
        hash.update(new Uint8Array(memory, offer.offset, offer.length));
        hashed += offer.length;
      }
      channel.release(++taken);
    } else if (hashed < target) {
      readBack(target);
    } else if (finishing) {
      return {digest: hash.digest('hex')};
    } else {
      channel.waitForWork(wake);
      continue;
    }
    channel.reportHashed(hashed);
  }
}

if (parentPort) {
  const port = parentPort;
  const {fd, channel} = workerData as HashWorkerData;
  let reply: HashWorkerReply | undefined;
  try {
    reply = run(port, fd, new HashChannel(channel));
  } catch (error) {
    reply = {error: (error as Error).message};
  }
  if (reply) port.postMessage(reply);
}
