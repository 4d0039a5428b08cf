/**
 * The overlay's extension between filer-tui peers (docs/protocol.md,
 * "Overlay"): HAND asks a neighbour to take a newcomer in this node's place.
 * An original peer has no handler for it and closes without a reply.
 */
import {MalformedMessageError} from './errors.js';
import {parseJoin, type JoinRequest} from './messages.js';
import {parsePeerId} from './peer-id.js';
import {splitFields} from './wire-name.js';

export const OverlayMessageType = {
  /** `HAND <from-id> <newcomer-id> <newcomer-host> <newcomer-port>` */
  handover: 'HAND',
} as const;

export const HandoverText = {
  linked: (peerId: string) => `Hand: linked ${peerId}`,
  incorrect: 'Hand: incorrect arguments',
  notAPeer: (peerId: string) => `Hand: not a peer: ${peerId}`,
  notFromPeer: (peerId: string) => `Hand: not sent from ${peerId}`,
  alreadyLinked: (peerId: string) => `Hand: already linked ${peerId}`,
  busy: 'Hand: busy',
  cannotLink: (peerId: string) => `Hand: cannot link ${peerId}`,
} as const;

/** Refusals of the original's JOIN and QUIT that only a filer-tui peer sends. */
export const OverlayReplyText = {
  joinNotConfirmed: (peerId: string) => `Join: not confirmed: ${peerId}`,
  quitNotFromPeer: (peerId: string) => `Quit: not sent from ${peerId}`,
} as const;

export type HandoverRequest = {fromId: string; newcomer: JoinRequest};

export function formatHandover({fromId, newcomer}: HandoverRequest): string {
  return `${fromId} ${newcomer.peerId} ${newcomer.host} ${newcomer.port}`;
}

export function parseHandover(data: string): HandoverRequest {
  const fields = splitFields(data);
  const [fromId, ...rest] = fields;
  if (fields.length !== 4 || fromId === undefined || !parsePeerId(fromId)) {
    throw new MalformedMessageError('bad HAND data', data);
  }
  return {fromId, newcomer: parseJoin(rest.join(' '))};
}
