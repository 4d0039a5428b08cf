/**
 * The peer table plus what every change of it brings: a log line and a
 * `peer-added` / `peer-removed` event; a lost neighbour also wakes the
 * top-up (`onFreed`).
 */
import type {Log} from '../collaborators.js';
import type {PeerInfo, PeerRemovedReason} from '../types.js';
import {PeerTable} from './peer-table.js';

export type NeighbourEvents = {
  added: (peer: PeerInfo) => void;
  removed: (peer: PeerInfo, reason: PeerRemovedReason) => void;
  /** A slot became free. */
  freed: () => void;
};

export class Neighbours {
  readonly table: PeerTable;

  constructor(
    maxPeers: number,
    private readonly log: Log,
    private readonly events: NeighbourEvents,
  ) {
    this.table = new PeerTable(maxPeers);
  }

  add(peer: PeerInfo, message = `peer added: ${peer.id}`): boolean {
    if (!this.table.add(peer)) return false;
    this.log('info', message);
    this.events.added({...peer});
    return true;
  }

  /** Swaps `oldId` for `peer` in one step; false when `oldId` is no neighbour. */
  swap(oldId: string, peer: PeerInfo, message?: string): boolean {
    const old = this.table.replace(oldId, peer);
    if (!old) return false;
    if (message) this.log('info', message);
    this.events.removed(old, 'removed');
    this.events.added({...peer});
    return true;
  }

  forget(peerId: string, reason: PeerRemovedReason): void {
    const peer = this.table.remove(peerId);
    if (!peer) return;
    this.events.freed();
    const why = {quit: 'it left', unreachable: 'unreachable', removed: 'removed'}[reason];
    this.log(
      reason === 'unreachable' ? 'warn' : 'info',
      `peer removed: ${peerId} (${why})`,
    );
    this.events.removed(peer, reason);
  }
}
