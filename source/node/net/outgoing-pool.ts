/**
 * Slots for outgoing connections, so that no message from a peer can make
 * this node open descriptors without bound: a cap in all, a cap per peer
 * address, a bounded queue with a deadline, and a share of the slots kept for
 * the node's own work (the user's search, joins, liveness probes) that
 * requests caused by other peers' messages cannot take.
 */
import {LocalResourceError, TransferCancelledError} from '../../protocol/errors.js';
import type {Log} from '../collaborators.js';
import {limitDefault, limitHit} from '../limits.js';

export type PoolLimits = {
  maxConnections: number;
  maxPerPeer: number;
  maxQueued: number;
  queueWaitMs: number;
  /** Slots that background requests (caused by peers) may not take. */
  reservedForOwn: number;
};

export const DEFAULT_POOL_LIMITS: PoolLimits = {
  maxConnections: limitDefault('outgoing-connections'),
  maxPerPeer: limitDefault('outgoing-connections-per-peer'),
  maxQueued: limitDefault('outgoing-queue'),
  queueWaitMs: limitDefault('outgoing-queue-wait'),
  reservedForOwn: Math.floor(limitDefault('outgoing-connections') / 4),
};

export type SlotRequest = {
  /** `host:port`: the per-peer cap counts by it. */
  destination: string;
  /** Caused by another peer's message (forwarding, answering, size lookups). */
  background?: boolean;
  signal?: AbortSignal;
};

/** Gives the slot back; calling it again does nothing. */
export type ReleaseSlot = () => void;

type Waiter = SlotRequest & {
  grant: (release: ReleaseSlot) => void;
  fail: (error: Error) => void;
};

export class OutgoingPool {
  private readonly limits: PoolLimits;
  private active = 0;
  private activeBackground = 0;
  private readonly perPeer = new Map<string, number>();
  private readonly queue: Waiter[] = [];

  constructor(
    private readonly log: Log,
    limits: Partial<PoolLimits> = {},
  ) {
    this.limits = {...DEFAULT_POOL_LIMITS, ...limits};
  }

  /** Connections open (or being opened) now. */
  get activeCount(): number {
    return this.active;
  }

  get queuedCount(): number {
    return this.queue.length;
  }

  /** Resolves with a slot, or rejects with a LocalResourceError. */
  acquire(request: SlotRequest): Promise<ReleaseSlot> {
    if (request.signal?.aborted) return Promise.reject(new TransferCancelledError());
    // Waiters that could start were started at the last release, so whoever
    // is still queued is blocked: taking a free slot now jumps no one.
    if (this.canStart(request)) return Promise.resolve(this.start(request));
    if (this.queue.length >= this.limits.maxQueued) {
      limitHit(this.log, 'outgoing-queue', request.destination, 'no room to wait');
      return Promise.reject(
        new LocalResourceError(request.destination, 'too many outgoing requests'),
      );
    }
    return new Promise((resolve, reject) => {
      const settle = (): void => {
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        this.remove(waiter);
      };
      const waiter: Waiter = {
        ...request,
        grant: (release) => {
          settle();
          resolve(release);
        },
        fail: (error) => {
          settle();
          reject(error);
        },
      };
      const onAbort = (): void => waiter.fail(new TransferCancelledError());
      const timer = setTimeout(() => {
        limitHit(
          this.log,
          'outgoing-queue-wait',
          request.destination,
          `no connection slot within ${this.limits.queueWaitMs} ms`,
        );
        waiter.fail(
          new LocalResourceError(request.destination, 'no free connection slot in time'),
        );
      }, this.limits.queueWaitMs);
      request.signal?.addEventListener('abort', onAbort, {once: true});
      this.queue.push(waiter);
    });
  }

  private canStart({destination, background}: SlotRequest): boolean {
    const {maxConnections, maxPerPeer, reservedForOwn} = this.limits;
    if (this.active >= maxConnections) return false;
    if ((this.perPeer.get(destination) ?? 0) >= maxPerPeer) return false;
    return !background || this.activeBackground < maxConnections - reservedForOwn;
  }

  private start({destination, background = false}: SlotRequest): ReleaseSlot {
    this.active++;
    if (background) this.activeBackground++;
    this.perPeer.set(destination, (this.perPeer.get(destination) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      if (background) this.activeBackground--;
      const left = (this.perPeer.get(destination) ?? 1) - 1;
      if (left === 0) this.perPeer.delete(destination);
      else this.perPeer.set(destination, left);
      this.startWaiting();
    };
  }

  /** In arrival order, every waiter whose peer and class have room now. */
  private startWaiting(): void {
    for (const waiter of [...this.queue]) {
      if (this.active >= this.limits.maxConnections) return;
      if (this.canStart(waiter)) waiter.grant(this.start(waiter));
    }
  }

  private remove(waiter: Waiter): void {
    const index = this.queue.indexOf(waiter);
    if (index !== -1) this.queue.splice(index, 1);
  }
}
