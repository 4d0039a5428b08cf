/**
 * The node's outgoing side, shared by all its parts: the socket registry
 * (closed all at once on shutdown), the outgoing connection slots, and the
 * request and probe functions the parts are given instead of sockets.
 */
import type {PeerAddress} from '../protocol/messages.js';
import type {Log, Request} from './collaborators.js';
import {OutgoingPool} from './net/outgoing-pool.js';
import {
  probePeer,
  requestFrames,
  type RequestOptions as ClientOptions,
} from './net/peer-client.js';
import {SocketRegistry} from './net/socket-registry.js';
import type {ResolvedOptions} from './node-options.js';

type ConnectionOptions = Pick<
  ResolvedOptions,
  'connectTimeoutMs' | 'replyTimeoutMs' | 'replyDeadlineMs' | 'outgoingLimits'
>;

/** The node's outgoing side: its sockets, its connection slots and how it asks peers. */
export type NodeConnections = {
  registry: SocketRegistry;
  outgoing: OutgoingPool;
  /** Client options of the node's own requests; `timeoutMs` overrides all three timeouts. */
  clientOptions: (timeoutMs?: number) => ClientOptions;
  request: Request;
  /** Does the peer still accept connections? */
  probe: (address: PeerAddress) => Promise<boolean>;
};

export function nodeConnections(options: ConnectionOptions, log: Log): NodeConnections {
  const registry = new SocketRegistry();
  const outgoing = new OutgoingPool(log, options.outgoingLimits);
  const clientOptions = (timeoutMs?: number): ClientOptions => ({
    registry,
    pool: outgoing,
    log,
    connectTimeoutMs: timeoutMs ?? options.connectTimeoutMs,
    replyTimeoutMs: timeoutMs ?? options.replyTimeoutMs,
    replyDeadlineMs: timeoutMs ?? options.replyDeadlineMs,
  });
  return {
    registry,
    outgoing,
    clientOptions,
    request: (address, type, data = '', requestOptions = {}) =>
      requestFrames(address, type, data, {
        ...clientOptions(requestOptions.timeoutMs),
        background: requestOptions.background,
      }),
    probe: (address) =>
      probePeer(address, {
        timeoutMs: options.connectTimeoutMs,
        registry,
        pool: outgoing,
        log,
      }),
  };
}
