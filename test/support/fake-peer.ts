/**
 * One configurable stand-in for a remote peer on 127.0.0.1: it records each
 * request frame (read by hand, not with the project's decoder, so a framing
 * bug cannot hide in both sides), and answers NAME, serves FGET at once, in
 * part then stalling, or trickling, or lets the test answer itself. Without
 * an answer it closes without a reply, as the original does after RESP.
 */
import net from 'node:net';
import type {PeerInfo} from '../../source/node/types.js';
import {LOOPBACK, rawFrame, rawHeader} from './raw-client.js';

/** Requests are small control frames; anything larger is hostile here. */
const MAX_REQUEST_BYTES = 64 * 1024;
const TRICKLE_TICK_MS = 20;
const DEFAULT_WAIT_MS = 10_000;

export type FakeRequest = {type: string; data: Buffer};

export type FakePeerOptions = {
  /**
   * Reset every connection as soon as it is open (on the next turn, so the
   * client has seen it open, as with a peer in another process).
   */
  resets?: boolean;
  /** Answer NAME with this peer's id, as every peer does. */
  answersName?: boolean;
  /**
   * Answer FGET of any name with a REPL header for `total` bytes, then send
   * `send` of them (default all; fewer stalls the transfer), at once or at
   * `bytesPerSecond`. The connection ends once all `total` bytes are sent.
   */
  serves?: {total: number; send?: number; bytesPerSecond?: number};
  /** Answer every request yourself instead. */
  onRequest?: (request: FakeRequest, socket: net.Socket) => void;
};

export type FakePeer = PeerInfo & {
  /** Every request received, in order. */
  readonly requests: FakeRequest[];
  /** Connections of FGET replies (to end or reset them from the test). */
  readonly transfers: net.Socket[];
  /** File bytes sent so far over all FGET replies. */
  readonly sent: number;
  /** The next request not yet taken, waiting for it if need be. */
  nextRequest(timeoutMs?: number): Promise<FakeRequest>;
  close(): Promise<void>;
};

export async function startFakePeer(options: FakePeerOptions = {}): Promise<FakePeer> {
  const requests: FakeRequest[] = [];
  const transfers: net.Socket[] = [];
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  let sent = 0;
  let taken = 0;

  const serve = (socket: net.Socket, plan: NonNullable<FakePeerOptions['serves']>) => {
    transfers.push(socket);
    socket.write(rawHeader('REPL', plan.total));
    let left = Math.min(plan.send ?? plan.total, plan.total);
    const sendPiece = (size: number): void => {
      const piece = Math.min(size, left);
      left -= piece;
      sent += piece;
      socket.write(Buffer.alloc(piece, 0x2a));
      if (left === 0 && (plan.send ?? plan.total) >= plan.total) socket.end();
    };
    if (!plan.bytesPerSecond) return sendPiece(left);
    const perTick = Math.max(
      1,
      Math.round((plan.bytesPerSecond * TRICKLE_TICK_MS) / 1000),
    );
    const timer = setInterval(() => {
      if (socket.destroyed || left === 0) {
        clearInterval(timer);
        timers.delete(timer);
        return;
      }
      sendPiece(perTick);
    }, TRICKLE_TICK_MS);
    timers.add(timer);
  };

  const answer = (request: FakeRequest, socket: net.Socket): void => {
    if (options.onRequest) return options.onRequest(request, socket);
    if (request.type === 'NAME' && options.answersName) {
      return void socket.end(rawFrame('REPL', id));
    }
    if (request.type === 'FGET' && options.serves) return serve(socket, options.serves);
    socket.end();
  };

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (options.resets) return void setImmediate(() => socket.resetAndDestroy());
    let received = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 8) return;
      const length = received.readUInt32BE(4);
      if (length > MAX_REQUEST_BYTES) return void socket.destroy();
      if (received.length < 8 + length) return;
      socket.off('data', onData);
      const request = {
        type: received.toString('latin1', 0, 4),
        data: received.subarray(8, 8 + length),
      };
      requests.push(request);
      for (const wake of [...waiters]) wake();
      answer(request, socket);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const id = `${LOOPBACK}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    id,
    host: LOOPBACK,
    port,
    requests,
    transfers,
    get sent() {
      return sent;
    },
    nextRequest(timeoutMs = DEFAULT_WAIT_MS) {
      return new Promise((resolve, reject) => {
        const take = (): boolean => {
          const request = requests[taken];
          if (!request) return false;
          taken++;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(request);
          return true;
        };
        const wake = (): void => void take();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`${id} got no request within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!take()) waiters.add(wake);
      });
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
