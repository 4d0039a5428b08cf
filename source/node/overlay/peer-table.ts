import type {PeerInfo} from '../types.js';

/**
 * Known neighbours in join order, bounded by max-peers (0 = unlimited), and
 * which of them answered as original peers (they know no extension).
 */
export class PeerTable {
  private readonly peers = new Map<string, PeerInfo>();
  private readonly originals = new Set<string>();

  constructor(readonly maxPeers: number) {}

  get size(): number {
    return this.peers.size;
  }

  isFull(): boolean {
    return this.maxPeers > 0 && this.peers.size >= this.maxPeers;
  }

  /** Free slots (Infinity when unlimited). */
  room(): number {
    return this.maxPeers > 0 ? Math.max(0, this.maxPeers - this.peers.size) : Infinity;
  }

  has(id: string): boolean {
    return this.peers.has(id);
  }

  get(id: string): PeerInfo | undefined {
    const peer = this.peers.get(id);
    return peer && {...peer};
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
    this.originals.delete(id);
    return peer;
  }

  /** Swaps one neighbour for another in a single step, whether full or not. */
  replace(oldId: string, peer: PeerInfo): PeerInfo | undefined {
    if (this.peers.has(peer.id)) return undefined;
    const old = this.remove(oldId);
    if (old) this.peers.set(peer.id, {...peer});
    return old;
  }

  /** Remembers that the peer closed on an extension: do not ask it again. */
  markOriginal(id: string): void {
    if (this.peers.has(id)) this.originals.add(id);
  }

  isOriginal(id: string): boolean {
    return this.originals.has(id);
  }

  list(): PeerInfo[] {
    return [...this.peers.values()].map((peer) => ({...peer}));
  }
}
