import type {PeerInfo} from '../types.js';

/** Known neighbours in join order, bounded by max-peers (0 = unlimited). */
export class PeerTable {
  private readonly peers = new Map<string, PeerInfo>();

  constructor(readonly maxPeers: number) {}

  get size(): number {
    return this.peers.size;
  }

  isFull(): boolean {
    return this.maxPeers > 0 && this.peers.size >= this.maxPeers;
  }

  has(id: string): boolean {
    return this.peers.has(id);
  }

  get(id: string): PeerInfo | undefined {
    return this.peers.get(id);
  }

  /** Adds a peer unless known or full; true when it was added. */
  add(peer: PeerInfo): boolean {
    if (this.peers.has(peer.id) || this.isFull()) return false;
    this.peers.set(peer.id, {...peer});
    return true;
  }

  remove(id: string): PeerInfo | undefined {
    const peer = this.peers.get(id);
    this.peers.delete(id);
    return peer;
  }

  list(): PeerInfo[] {
    return [...this.peers.values()].map((peer) => ({...peer}));
  }
}
