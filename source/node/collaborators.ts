/**
 * The narrow functions the node's parts are given instead of sockets, timers
 * and the whole node, so that each part's policy can be tested with fakes.
 */
import type {Frame} from '../protocol/frame.js';
import type {PeerAddress} from '../protocol/messages.js';
import type {LogLevel} from './types.js';

export type Log = (level: LogLevel, message: string) => void;

/** Milliseconds since the epoch, as Date.now(). */
export type Clock = () => number;

export type RequestOptions = {
  /** Overrides the node's connect and reply timeouts (QUIT on close is brief). */
  timeoutMs?: number;
  /**
   * Caused by another peer's message (forwarding a query, answering it, a
   * size lookup): it may not take the connection slots kept for this node's
   * own work, so a flood cannot starve the user's search or the joins.
   */
  background?: boolean;
};

/** One request on its own connection; resolves with every reply frame. */
export type Request = (
  address: PeerAddress,
  type: string,
  /** A string travels as UTF-8; wire text goes as its bytes (`wireBytes`). */
  data?: string | Buffer,
  options?: RequestOptions,
) => Promise<Frame[]>;

/** Who this node is, as other peers see it. */
export type Identity = {
  readonly id: string;
  readonly host: string;
  readonly port: number;
};

/** Writes the reply frames of one incoming request. */
export type Reply = {
  send(type: string, data?: string | Buffer): Promise<void>;
};
