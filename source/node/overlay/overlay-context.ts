/**
 * What the overlay's parts share: the node's collaborators, the limits, the
 * random source and the neighbours. Each part (joining, top-up, handover,
 * quitting) gets one of these rather than the whole Overlay.
 */
import type {PeerAddress} from '../../protocol/messages.js';
import type {Identity, Log, Request} from '../collaborators.js';
import {limitDefault} from '../limits.js';
import type {Neighbours} from './neighbours.js';
import type {RemoteDeps} from './remote-peer.js';
import type {ViewCache} from './survey.js';

export type OverlayLimits = {
  /** Peers asked during one join (limit join-contacts). */
  joinContacts: number;
  /** Steps of each random walk (limit join-walk). */
  joinWalk: number;
  /** Near peers passed over in a row before one is taken (limit near-links-skipped). */
  nearLinksSkipped: number;
  /** Neighbours asked to take a newcomer before a JOIN is refused as full. */
  handoverAttempts: number;
  handoverTimeoutMs: number;
  /** Most ticks skipped by the top-up after fruitless looks. */
  topUpBackoff: number;
  /** A QUIT whose sender still lists us is checked once more after this. */
  quitRecheckMs: number;
};

export const DEFAULT_OVERLAY_LIMITS: OverlayLimits = {
  joinContacts: limitDefault('join-contacts'),
  joinWalk: limitDefault('join-walk'),
  nearLinksSkipped: limitDefault('near-links-skipped'),
  handoverAttempts: limitDefault('handover-attempts'),
  handoverTimeoutMs: limitDefault('handover-timeout'),
  topUpBackoff: limitDefault('top-up-backoff'),
  quitRecheckMs: 1_000,
};

export type OverlayDeps = {
  self: () => Identity;
  isOpen: () => boolean;
  maxPeers: number;
  request: Request;
  /** True when the peer still accepts connections. */
  probe: (address: PeerAddress) => Promise<boolean>;
  log: Log;
  /** Uniform in [0, 1), as Math.random (tests pass a seeded one). */
  random?: () => number;
  /** Milliseconds, as Date.now (tests pass a ManualClock's). */
  now?: () => number;
  limits?: Partial<OverlayLimits>;
};

export type OverlayContext = {
  deps: OverlayDeps;
  limits: OverlayLimits;
  remote: RemoteDeps;
  random: () => number;
  now: () => number;
  neighbours: Neighbours;
  lock: LinkLock;
  /** The rewiring's last view of the neighbourhood (survey.ts). */
  views: ViewCache;
};

/**
 * One change of links at a time per node, in any role (handing over,
 * trading, answering either): two could pick the same link.
 */
export class LinkLock {
  private held = false;

  get busy(): boolean {
    return this.held;
  }

  /** Runs `change` unless the lock is held; `whenBusy` then. */
  async run<T, B = undefined>(change: () => Promise<T>, whenBusy?: B): Promise<T | B> {
    if (this.held) return whenBusy as B;
    this.held = true;
    try {
      return await change();
    } finally {
      this.held = false;
    }
  }
}

export function pick<T>(random: () => number, items: readonly T[]): T | undefined {
  return items[Math.floor(random() * items.length)];
}

/** Fisher–Yates, in place. */
export function shuffled<T>(random: () => number, items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [items[index], items[other]] = [items[other] as T, items[index] as T];
  }
  return items;
}
