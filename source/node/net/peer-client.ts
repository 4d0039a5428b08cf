/**
 * Outgoing requests, one per connection as in the original: connect, send one
 * frame, read reply frames until the reply is whole or the server closes.
 * Each request takes a slot of the outgoing pool, buffers at most its reply
 * budget, and ends by a deadline however slowly the peer drips its bytes.
 */
import net from 'node:net';
import {
  describeError,
  FrameTooLargeError,
  isLocalResourceFailure,
  LocalResourceError,
  PeerTimeoutError,
  PeerUnreachableError,
  TransferCancelledError,
  RemoteError,
  UnexpectedReplyError,
} from '../../protocol/errors.js';
import {encodeFrame, FrameDecoder, type Frame} from '../../protocol/frame.js';
import {MessageType, type PeerAddress} from '../../protocol/messages.js';
import type {Log} from '../collaborators.js';
import {limitDefault, limitHit} from '../limits.js';
import type {OutgoingPool, ReleaseSlot} from './outgoing-pool.js';
import {replyBudget, type ReplyBudget} from './reply-budget.js';
import type {SocketRegistry} from './socket-registry.js';

export type ClientLimits = {
  connectTimeoutMs: number;
  /** Longest silence while waiting for reply bytes. */
  replyTimeoutMs: number;
  /**
   * From the request sent to the last reply byte, however the reply drips
   * (the connect has its own timeout before it).
   */
  replyDeadlineMs: number;
};

export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  connectTimeoutMs: limitDefault('connect-timeout'),
  replyTimeoutMs: limitDefault('reply-idle'),
  replyDeadlineMs: limitDefault('reply-deadline'),
};

export function addressText({host, port}: PeerAddress): string {
  return `${host}:${port}`;
}

/** Reports limit hits; without one they are only errors. */
const silent: Log = () => undefined;

export type ConnectOptions = {
  timeoutMs: number;
  registry?: SocketRegistry;
  signal?: AbortSignal;
  /** Read straight into caller-owned buffers (see net.connect). */
  onread?: net.OnReadOpts;
};

/**
 * Connects, or rejects with PeerUnreachableError / PeerTimeoutError (the
 * peer's doing) or LocalResourceError (this machine's: EMFILE and the like).
 */
export function connectToPeer(
  address: PeerAddress,
  options: ConnectOptions,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new TransferCancelledError());
      return;
    }
    const peer = addressText(address);
    let socket: net.Socket;
    try {
      socket = net.connect({
        host: address.host,
        port: address.port,
        ...(options.onread ? {onread: options.onread} : {}),
      });
    } catch (error) {
      // Thrown at once when no descriptor is left.
      reject(new LocalResourceError(peer, 'cannot open a socket', {cause: error}));
      return;
    }
    options.registry?.track(socket);
    const timer = setTimeout(() => {
      finish();
      socket.destroy();
      reject(new PeerTimeoutError(peer, 'connecting'));
    }, options.timeoutMs);
    const onAbort = (): void => {
      finish();
      socket.destroy();
      reject(new TransferCancelledError());
    };
    const onError = (error: Error): void => {
      finish();
      reject(classifyError(peer, error));
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

/** A socket error as the peer's failure, unless it is this machine's. */
function classifyError(peer: string, error: Error): Error {
  if (isLocalResourceFailure(error)) {
    return new LocalResourceError(peer, 'out of local resources', {cause: error});
  }
  return new PeerUnreachableError(peer, {cause: error});
}

export type RequestOptions = Partial<ClientLimits> & {
  registry?: SocketRegistry;
  /** Where the connection takes its slot; without one it is not counted. */
  pool?: OutgoingPool;
  /** Caused by another peer's message: may not use the slots kept for our own work. */
  background?: boolean;
  /** Overrides the budget of the message type (see reply-budget.ts). */
  budget?: ReplyBudget;
  log?: Log;
  /** Ends the request at once (TransferCancelledError): waiting for a slot, connecting or for the reply. */
  signal?: AbortSignal;
};

/** Sends one request and collects its reply frames, within the type's budget. */
export async function requestFrames(
  address: PeerAddress,
  type: string,
  data: string | Buffer,
  options: RequestOptions = {},
): Promise<Frame[]> {
  const limits = {...DEFAULT_CLIENT_LIMITS, ...options};
  const peer = addressText(address);
  const request = encodeFrame(type, data);
  const budget = options.budget ?? replyBudget(type, request.length - 8);
  const release = await options.pool?.acquire({
    destination: peer,
    background: options.background,
    signal: options.signal,
  });
  try {
    const socket = await connectToPeer(address, {
      timeoutMs: limits.connectTimeoutMs,
      registry: options.registry,
      signal: options.signal,
    });
    return await readReply(socket, request, {
      signal: options.signal,
      peer,
      type,
      budget,
      idleMs: limits.replyTimeoutMs,
      deadlineMs: limits.replyDeadlineMs,
      log: options.log ?? silent,
      release,
    });
  } catch (error) {
    release?.();
    throw error;
  }
}

type ReadOptions = {
  peer: string;
  type: string;
  budget: ReplyBudget;
  idleMs: number;
  deadlineMs: number;
  log: Log;
  release: ReleaseSlot | undefined;
  signal: AbortSignal | undefined;
};

/** Writes the request, reads reply frames; settles once the socket is closed. */
function readReply(
  socket: net.Socket,
  request: Buffer,
  {peer, type, budget, idleMs, deadlineMs, log, release, signal}: ReadOptions,
): Promise<Frame[]> {
  return new Promise((resolve, reject) => {
    const decoder = new FrameDecoder({maxDataLength: budget.maxFrameData});
    const frames: Frame[] = [];
    let failure: Error | undefined;
    let complete = false;
    const fail = (error: Error): void => {
      failure ??= error;
      socket.destroy();
    };
    const onAbort = (): void => fail(new TransferCancelledError());
    signal?.addEventListener('abort', onAbort, {once: true});
    if (signal?.aborted) onAbort();
    const deadline = setTimeout(() => {
      limitHit(
        log,
        'reply-deadline',
        peer,
        `${type} reply not whole in ${deadlineMs} ms`,
      );
      fail(new PeerTimeoutError(peer, `sending the reply to ${type} (deadline)`));
    }, deadlineMs);
    socket.setTimeout(idleMs, () => {
      limitHit(log, 'reply-idle', peer, `${type} reply silent for ${idleMs} ms`);
      fail(new PeerTimeoutError(peer, `waiting for the reply to ${type}`));
    });
    socket.on('data', (chunk: Buffer) => {
      if (complete || failure) return;
      try {
        frames.push(...decoder.push(chunk));
      } catch (error) {
        if (error instanceof FrameTooLargeError) {
          limitHit(log, budget.frameDataLimit, peer, `${type} reply: ${error.message}`);
        }
        return fail(error as Error);
      }
      if (frames.length > 0 && budget.isComplete(frames)) {
        complete = true;
      } else if (frames.length >= budget.maxFrames) {
        limitHit(
          log,
          budget.frameCountLimit,
          peer,
          `${type} reply cut at ${budget.maxFrames} frames`,
        );
        complete = true;
      }
      if (complete) {
        frames.length = Math.min(frames.length, budget.maxFrames);
        socket.destroy();
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
    socket.on('error', (error) => fail(classifyError(peer, error)));
    socket.on('close', () => {
      clearTimeout(deadline);
      signal?.removeEventListener('abort', onAbort);
      release?.();
      if (failure && !complete) reject(failure);
      else resolve(frames);
    });
    socket.write(request);
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
 * The REPL text of a filer-tui extension request; undefined when the peer
 * closed without a byte (an original peer: the extension is unsupported).
 */
export function extensionReplyText(
  address: PeerAddress,
  frames: Frame[],
  what: string,
): string | undefined {
  const first = frames[0];
  if (!first) return undefined;
  const text = first.data.toString('utf8');
  if (first.type === MessageType.error) throw new RemoteError(addressText(address), text);
  if (first.type !== MessageType.reply) {
    throw new UnexpectedReplyError(addressText(address), `${first.type} to ${what}`);
  }
  return text;
}

export type ProbeOptions = {
  timeoutMs: number;
  registry?: SocketRegistry;
  pool?: OutgoingPool;
  log?: Log;
};

/**
 * Liveness check as the original does it: connect and send PING, which has no
 * handler. Only the connect has to succeed; the connection is closed as soon
 * as PING is sent, whatever the peer does then. False only when the peer is
 * at fault: a local shortage (no slot, no descriptor) says nothing about it.
 */
export async function probePeer(
  address: PeerAddress,
  options: ProbeOptions,
): Promise<boolean> {
  let release: ReleaseSlot | undefined;
  try {
    release = await options.pool?.acquire({destination: addressText(address)});
    const socket = await connectToPeer(address, options);
    await sendAndClose(socket, encodeFrame(MessageType.ping), options.timeoutMs);
    return true;
  } catch (error) {
    if (!isLocalResourceFailure(error)) return false;
    options.log?.(
      'debug',
      `liveness check of ${addressText(address)} skipped: ${describeError(error)}`,
    );
    return true;
  } finally {
    release?.();
  }
}

/** Ends with `frame` and closes once it is flushed (or at the deadline). */
function sendAndClose(
  socket: net.Socket,
  frame: Buffer,
  deadlineMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.destroy(), deadlineMs);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.end(frame, () => socket.destroy());
  });
}
