/**
 * Outgoing requests, one per connection as in the original: connect, send one
 * frame, read reply frames until the server closes.
 */
import net from 'node:net';
import {
  PeerTimeoutError,
  PeerUnreachableError,
  TransferCancelledError,
  UnexpectedReplyError,
} from '../../protocol/errors.js';
import {
  encodeFrame,
  FrameDecoder,
  MAX_CONTROL_DATA,
  type Frame,
} from '../../protocol/frame.js';
import {MessageType, type PeerAddress} from '../../protocol/messages.js';
import type {SocketRegistry} from './socket-registry.js';

export type ClientLimits = {
  connectTimeoutMs: number;
  /** Longest silence while waiting for reply bytes. */
  replyTimeoutMs: number;
  /** A LIST reply may not hold more frames than this. */
  maxReplyFrames: number;
  maxReplyData: number;
};

export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  connectTimeoutMs: 5_000,
  replyTimeoutMs: 15_000,
  maxReplyFrames: 4_096,
  maxReplyData: MAX_CONTROL_DATA,
};

export function addressText({host, port}: PeerAddress): string {
  return `${host}:${port}`;
}

export type ConnectOptions = {
  timeoutMs: number;
  registry?: SocketRegistry;
  signal?: AbortSignal;
};

export function connectToPeer(
  address: PeerAddress,
  options: ConnectOptions,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new TransferCancelledError());
      return;
    }
    const socket = net.connect({host: address.host, port: address.port});
    options.registry?.track(socket);
    const timer = setTimeout(() => {
      finish();
      socket.destroy();
      reject(new PeerTimeoutError(addressText(address), 'connecting'));
    }, options.timeoutMs);
    const onAbort = (): void => {
      finish();
      socket.destroy();
      reject(new TransferCancelledError());
    };
    const onError = (error: Error): void => {
      finish();
      reject(new PeerUnreachableError(addressText(address), {cause: error}));
    };
    const onConnect = (): void => {
      finish();
      resolve(socket);
    };
    const finish = (): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('connect', onConnect);
    };
    options.signal?.addEventListener('abort', onAbort, {once: true});
    socket.once('error', onError);
    socket.once('connect', onConnect);
  });
}

export type RequestOptions = Partial<ClientLimits> & {registry?: SocketRegistry};

/** Sends one request and collects every reply frame until the peer closes. */
export async function requestFrames(
  address: PeerAddress,
  type: string,
  data: string | Buffer,
  options: RequestOptions = {},
): Promise<Frame[]> {
  const limits = {...DEFAULT_CLIENT_LIMITS, ...options};
  const socket = await connectToPeer(address, {
    timeoutMs: limits.connectTimeoutMs,
    registry: options.registry,
  });
  const peer = addressText(address);
  return new Promise((resolve, reject) => {
    const decoder = new FrameDecoder({maxDataLength: limits.maxReplyData});
    const frames: Frame[] = [];
    let failure: Error | undefined;
    const fail = (error: Error): void => {
      failure ??= error;
      socket.destroy();
    };
    socket.setTimeout(limits.replyTimeoutMs, () =>
      fail(new PeerTimeoutError(peer, `waiting for the reply to ${type}`)),
    );
    socket.on('data', (chunk: Buffer) => {
      try {
        frames.push(...decoder.push(chunk));
        if (frames.length > limits.maxReplyFrames) {
          fail(
            new UnexpectedReplyError(peer, `more than ${limits.maxReplyFrames} frames`),
          );
        }
      } catch (error) {
        fail(error as Error);
      }
    });
    socket.on('end', () => {
      try {
        decoder.end();
      } catch (error) {
        fail(error as Error);
      }
      socket.end();
    });
    socket.on('error', (error) => fail(new PeerUnreachableError(peer, {cause: error})));
    socket.on('close', () => (failure ? reject(failure) : resolve(frames)));
    socket.write(encodeFrame(type, data));
  });
}

/** The single REPL text of a request, or an error describing what came instead. */
export function expectReplyText(
  address: PeerAddress,
  frames: Frame[],
  what: string,
): string {
  const first = frames[0];
  if (first === undefined) {
    throw new UnexpectedReplyError(addressText(address), `no reply to ${what}`);
  }
  if (first.type !== MessageType.reply) {
    throw new UnexpectedReplyError(
      addressText(address),
      `${first.type} ${first.data.toString('utf8')}`,
    );
  }
  return first.data.toString('utf8');
}

/**
 * Liveness check as the original does it: connect and send PING, which has no
 * handler, so the peer just closes. Only the connect has to succeed.
 */
export async function probePeer(
  address: PeerAddress,
  options: {timeoutMs: number; registry?: SocketRegistry},
): Promise<boolean> {
  try {
    const socket = await connectToPeer(address, options);
    socket.on('error', () => undefined);
    socket.end(encodeFrame(MessageType.ping));
    socket.setTimeout(options.timeoutMs, () => socket.destroy());
    socket.resume();
    return true;
  } catch {
    return false;
  }
}
