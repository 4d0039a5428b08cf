/**
 * Error classes with stable codes, so callers can tell a timeout from a refused
 * connection and show each as one clear line. Text that came from a peer is
 * quoted through peerText(), so an error message is short and terminal-safe
 * wherever it is shown.
 */
import {peerText} from '../text/terminal-safe.js';

export class FilerError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: {cause?: unknown}) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class FrameTooLargeError extends FilerError {
  constructor(length: number, limit: number) {
    super(
      'ERR_FRAME_TOO_LARGE',
      `frame of ${length} bytes exceeds the limit of ${limit} bytes`,
    );
  }
}

export class TruncatedFrameError extends FilerError {
  constructor(detail: string) {
    super('ERR_FRAME_TRUNCATED', `connection closed inside a frame (${detail})`);
  }
}

export class MalformedMessageError extends FilerError {
  /** `what` is ours ("bad JOIN data"); `data` is the peer's, quoted. */
  constructor(what: string, data: string) {
    super('ERR_MALFORMED_MESSAGE', `${what}: ${peerText(data)}`);
  }
}

export class PeerUnreachableError extends FilerError {
  constructor(address: string, options?: {cause?: unknown}) {
    const reason =
      options?.cause instanceof Error && 'code' in options.cause
        ? ` (${String(options.cause.code)})`
        : '';
    super('ERR_PEER_UNREACHABLE', `peer ${address} is unreachable${reason}`, options);
  }
}

/**
 * Errors of this machine, not of the peer: out of descriptors, buffers or
 * local ports. A peer is never dropped for one of these.
 */
export const LOCAL_RESOURCE_CODES: ReadonlySet<string> = new Set([
  'EMFILE',
  'ENFILE',
  'ENOBUFS',
  'ENOMEM',
  'EADDRNOTAVAIL',
  'EADDRINUSE',
  'EAGAIN',
]);

/** The system error code of `error` (or of its cause), if it has one. */
export function systemErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  if ('code' in error && typeof error.code === 'string' && /^E[A-Z]+$/.test(error.code))
    return error.code;
  return systemErrorCode(error.cause);
}

export function isLocalResourceFailure(error: unknown): boolean {
  if (error instanceof LocalResourceError) return true;
  const code = systemErrorCode(error);
  return code !== undefined && LOCAL_RESOURCE_CODES.has(code);
}

/**
 * This node could not make the request: a local limit (no connection slot in
 * time) or a local resource ran out. Says nothing about the peer.
 */
export class LocalResourceError extends FilerError {
  constructor(address: string, reason: string, options?: {cause?: unknown}) {
    super('ERR_LOCAL_RESOURCE', `cannot reach ${address} now: ${reason}`, options);
  }
}

export class PeerTimeoutError extends FilerError {
  constructor(address: string, phase: string) {
    super('ERR_PEER_TIMEOUT', `peer ${address} timed out while ${phase}`);
  }
}

export class RemoteError extends FilerError {
  /** The text of the peer's ERRO reply. */
  readonly remoteMessage: string;

  constructor(address: string, remoteMessage: string) {
    super('ERR_REMOTE', `peer ${address} replied: ${peerText(remoteMessage)}`);
    this.remoteMessage = remoteMessage;
  }
}

export class UnexpectedReplyError extends FilerError {
  constructor(address: string, detail: string) {
    super(
      'ERR_UNEXPECTED_REPLY',
      `peer ${address} sent an unexpected reply: ${peerText(detail)}`,
    );
  }
}

export class UnsafeNameError extends FilerError {
  constructor(name: string, reason: string) {
    super('ERR_UNSAFE_NAME', `refused file name "${peerText(name)}": ${reason}`);
  }
}

export class TransferCancelledError extends FilerError {
  constructor() {
    super('ERR_CANCELLED', 'transfer cancelled');
  }
}

/** One line for a person, whatever was thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
