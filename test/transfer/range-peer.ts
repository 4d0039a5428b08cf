/**
 * A stand-in filer-tui source for transfer tests: answers FINF with the size
 * and SHA-256 it is told, and FRNG from a buffer, optionally cutting a reply
 * after some bytes, resetting, or serving other bytes; FSUM (the chunk
 * hashes of its buffer) only when told to. Built on the project's
 * fake peer, so it records every request.
 */
import {createHash} from 'node:crypto';
import net from 'node:net';
import {LOOPBACK, rawFrame, rawHeader} from '../support/raw-client.js';
import type {FilerNode} from '../../source/node/filer-node.js';
import type {Source} from '../../source/node/transfer/fetch-file.js';
import {requestFrames} from '../../source/node/net/peer-client.js';
import {MessageType} from '../../source/protocol/messages.js';
import type {FakeRequest} from '../support/fake-peer.js';
import type {TestNetwork} from '../support/network.js';

export type RangePlan = {
  content: Buffer;
  /** Announced hash (default: the content's). '-' announces none. */
  sha256?: string;
  /** Answers FSUM from `content` (else it closes on it, as without the extension). */
  sums?: boolean;
  /** Per FRNG request (0-based): how to answer it. */
  answer?: (
    index: number,
    offset: number,
    length: number,
  ) =>
    | 'serve'
    | 'reset'
    | {cutAfter: number; then?: 'close' | 'stall'}
    | {bytesPerTick: number};
};

export const sha256Of = (bytes: Buffer): string =>
  createHash('sha256').update(bytes).digest('hex');

export async function startRangePeer(network: TestNetwork, plan: RangePlan) {
  let ranges = 0;
  const onRequest = (request: FakeRequest, socket: net.Socket): void => {
    const text = request.data.toString('utf8');
    if (request.type === 'FINF') {
      const hash = plan.sha256 ?? sha256Of(plan.content);
      return void socket.end(rawFrame('REPL', `${plan.content.length} ${hash}`));
    }
    if (request.type === 'FSUM' && plan.sums) {
      const [offset, length, chunk] = text.split(' ').map(Number) as [
        number,
        number,
        number,
      ];
      const sums: string[] = [];
      for (let at = offset; at < offset + length; at += chunk) {
        sums.push(
          sha256Of(plan.content.subarray(at, Math.min(offset + length, at + chunk))),
        );
      }
      return void socket.end(rawFrame('REPL', sums.join(' ')));
    }
    if (request.type !== 'FRNG') return void socket.end();
    const [offsetText, lengthText] = text.split(' ');
    const offset = Number(offsetText);
    const length = Number(lengthText);
    const how = plan.answer?.(ranges++, offset, length) ?? 'serve';
    if (how === 'reset') return void socket.resetAndDestroy();
    const body = plan.content.subarray(offset, offset + length);
    socket.write(rawHeader('REPL', length));
    if (how === 'serve') return void socket.end(body);
    if ('bytesPerTick' in how) {
      // A slow source: a little every few milliseconds, until done or cut.
      let sent = 0;
      const tick = setInterval(() => {
        if (socket.destroyed || sent >= body.length) {
          clearInterval(tick);
          if (!socket.destroyed) socket.end();
          return;
        }
        socket.write(body.subarray(sent, sent + how.bytesPerTick));
        sent += how.bytesPerTick;
      }, 10);
      socket.once('close', () => clearInterval(tick));
      return;
    }
    // Cut: part of the body, then the connection dies (or hangs).
    socket.write(body.subarray(0, how.cutAfter), () => {
      if (how.then !== 'stall') socket.destroy();
    });
  };
  const peer = await network.startFakePeer({onRequest});
  const rangeRequests = (): Array<[number, number]> =>
    peer.requests
      .filter((request) => request.type === 'FRNG')
      .map((request) => {
        const [offset, length] = request.data.toString('utf8').split(' ');
        return [Number(offset), Number(length)];
      });
  return {...peer, rangeRequests};
}

/** Tells `node` that `owner` has `name`, as a search reply (RESP) would. */
export function tellOwner(node: FilerNode, name: string, owner: string) {
  return requestFrames(
    {host: LOOPBACK, port: node.port},
    MessageType.response,
    `${name} ${owner}`,
  );
}

/** A source on a loopback port nothing listens on (closed again at once). */
export async function deadSource(): Promise<Source> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const {port} = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return {id: `${LOOPBACK}:${port}`, address: {host: LOOPBACK, port}};
}
