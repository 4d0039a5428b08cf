/**
 * The overlay's extension between filer-tui peers (docs/protocol.md,
 * "Overlay"): HAND asks a neighbour to take a newcomer in this node's place;
 * CEDE and SWAP trade two links for two better placed ones (rewiring). An
 * original peer has no handler for them and closes without a reply.
 */
import {MalformedMessageError} from './errors.js';
import {formatJoin, parseJoin, type JoinRequest} from './messages.js';
import {parsePeerId} from './peer-id.js';
import {splitFields} from './wire-name.js';

export const OverlayMessageType = {
  /** `HAND <from-id> <newcomer-id> <newcomer-host> <newcomer-port>` */
  handover: 'HAND',
  /**
   * `CEDE <from-id> <newcomer-id> <newcomer-drops-id>`: a neighbour will
   * leave; take the newcomer's JOIN in its place (it leaves newcomer-drops).
   */
  cede: 'CEDE',
  /**
   * `SWAP <from-id> <from-host> <from-port> <drop-id> <newcomer-id> <newcomer-host> <newcomer-port>`:
   * link to the sender in place of neighbour `drop-id`, which links to the newcomer instead.
   */
  swap: 'SWAP',
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

export const CedeText = {
  expecting: (peerId: string) => `Cede: expecting ${peerId}`,
  incorrect: 'Cede: incorrect arguments',
  notAPeer: (peerId: string) => `Cede: not a peer: ${peerId}`,
  notFromPeer: (peerId: string) => `Cede: not sent from ${peerId}`,
  alreadyLinked: (peerId: string) => `Cede: already linked ${peerId}`,
  busy: 'Cede: busy',
  noBetter: 'Cede: no better',
} as const;

export const SwapText = {
  linked: (peerId: string) => `Swap: linked ${peerId}`,
  incorrect: 'Swap: incorrect arguments',
  notAPeer: (peerId: string) => `Swap: not a peer: ${peerId}`,
  alreadyLinked: (peerId: string) => `Swap: already linked ${peerId}`,
  notConfirmed: (peerId: string) => `Swap: not confirmed: ${peerId}`,
  busy: 'Swap: busy',
  noBetter: 'Swap: no better',
  cannotLink: (peerId: string) => `Swap: cannot link ${peerId}`,
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

export type CedeRequest = {fromId: string; newcomerId: string; newcomerDrops: string};

export function formatCede({fromId, newcomerId, newcomerDrops}: CedeRequest): string {
  return `${fromId} ${newcomerId} ${newcomerDrops}`;
}

export function parseCede(data: string): CedeRequest {
  const fields = splitFields(data);
  const [fromId, newcomerId, newcomerDrops] = fields;
  if (
    fields.length !== 3 ||
    fromId === undefined ||
    newcomerId === undefined ||
    newcomerDrops === undefined ||
    ![fromId, newcomerId, newcomerDrops].every((id) => parsePeerId(id))
  ) {
    throw new MalformedMessageError('bad CEDE data', data);
  }
  return {fromId, newcomerId, newcomerDrops};
}

/** `from` asks to be linked in place of `dropId`; `dropId` links to `newcomer`. */
export type SwapRequest = {from: JoinRequest; dropId: string; newcomer: JoinRequest};

export function formatSwap({from, dropId, newcomer}: SwapRequest): string {
  return `${formatJoin(from)} ${dropId} ${formatJoin(newcomer)}`;
}

export function parseSwap(data: string): SwapRequest {
  const fields = splitFields(data);
  const dropId = fields[3];
  if (fields.length !== 7 || dropId === undefined || !parsePeerId(dropId)) {
    throw new MalformedMessageError('bad SWAP data', data);
  }
  return {
    from: parseJoin(fields.slice(0, 3).join(' ')),
    dropId,
    newcomer: parseJoin(fields.slice(4).join(' ')),
  };
}
