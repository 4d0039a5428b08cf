/**
 * Ghost removal: the owners named by catalogue entries are probed as the
 * neighbours are, and every entry of an owner that no longer accepts
 * connections is dropped, so that a peer that died or left disappears from
 * the files list within one liveness period, not only from the peer list.
 * At most owner-probes owners per round: those just removed as neighbours
 * first, then the others in turn.
 */
import {parsePeerId, type PeerAddress} from '../../protocol/messages.js';
import type {Log} from '../collaborators.js';
import {limitDefault, limitHit} from '../limits.js';

export type OwnerLivenessDeps = {
  /** Every remote owner the catalogue names now. */
  owners: () => string[];
  /** True when the peer still accepts connections (or could not be probed). */
  probe: (address: PeerAddress) => Promise<boolean>;
  /** Drops every entry of `owner`. */
  forget: (owner: string) => void;
  isOpen: () => boolean;
  log: Log;
  maxProbes?: number;
};

export class OwnerLiveness {
  private readonly maxProbes: number;
  /** Owners to probe first (neighbours that just left or failed). */
  private readonly urgent = new Set<string>();
  /** The last owner probed in turn: the next round goes on after it. */
  private lastProbed = '';
  private running: Promise<void> | undefined;

  constructor(private readonly deps: OwnerLivenessDeps) {
    this.maxProbes = deps.maxProbes ?? limitDefault('owner-probes');
  }

  /** A peer that left or failed liveness as a neighbour: probe it first. */
  suspect(owner: string): void {
    if (this.urgent.size < this.maxProbes) this.urgent.add(owner);
  }

  /** One round; a round still running is not started twice. */
  check(): Promise<void> {
    this.running ??= this.round().finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(): Promise<void> {
    const known = new Set(this.deps.owners());
    const chosen = [...this.urgent].filter((owner) => known.has(owner));
    this.urgent.clear();
    const inTurn = [...known].filter((owner) => !chosen.includes(owner)).sort();
    const start = inTurn.findIndex((owner) => owner > this.lastProbed);
    const rotated =
      start <= 0 ? inTurn : [...inTurn.slice(start), ...inTurn.slice(0, start)];
    const room = this.maxProbes - chosen.length;
    if (rotated.length > room) {
      limitHit(
        this.deps.log,
        'owner-probes',
        'the catalogue',
        `${known.size} owners; probing ${this.maxProbes} per round`,
      );
    }
    const turn = rotated.slice(0, Math.max(0, room));
    const last = turn[turn.length - 1];
    if (last !== undefined) this.lastProbed = last;
    await Promise.all([...chosen, ...turn].map((owner) => this.probeOwner(owner)));
  }

  private async probeOwner(owner: string): Promise<void> {
    const address = parsePeerId(owner);
    const alive = address ? await this.deps.probe(address) : false;
    if (alive || !this.deps.isOpen()) return;
    this.deps.log('info', `owner ${owner} is gone: its files are removed from the list`);
    this.deps.forget(owner);
  }
}
