/**
 * Which incoming connections the server keeps when it is full. A connection
 * is `waiting` until its request frame is complete, `serving` while the
 * answer is written, and `finished` once it is written and only the client's
 * close is missing. Idle sockets cannot lock real work out: a new connection
 * always gets a slot if some connection is finished or still waiting, and the
 * one closed for it is a finished one, else the oldest waiting one of the
 * address holding the most; one address has a cap of its own; and once the
 * server is three quarters full, waiting gets a shorter deadline.
 */
import type {Socket} from 'node:net';
import type {Clock, Log} from '../collaborators.js';
import {limitHit} from '../limits.js';

export type AdmissionLimits = {
  maxConnections: number;
  maxPerAddress: number;
  /** Deadline for a complete request once the server is under pressure. */
  pressureRequestTimeoutMs: number;
};

/** Under pressure from this share of maxConnections on. */
export const PRESSURE_RATIO = 0.75;

type State = 'waiting' | 'serving' | 'finished';

export type Admitted = {
  readonly socket: Socket;
  readonly address: string;
  state: State;
  since: number;
  gone: boolean;
};

type AddressLoad = {count: number; waiting: Set<Admitted>};

export class Admission {
  private readonly waiting = new Set<Admitted>();
  private readonly finished = new Set<Admitted>();
  private readonly byAddress = new Map<string, AddressLoad>();
  private count = 0;

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly log: Log,
    private readonly clock: Clock = Date.now,
  ) {}

  get size(): number {
    return this.count;
  }

  get underPressure(): boolean {
    return this.count >= Math.ceil(this.limits.maxConnections * PRESSURE_RATIO);
  }

  /** Admits the connection (closing another if need be), or undefined: refuse it. */
  admit(socket: Socket, address: string): Admitted | undefined {
    const load = this.byAddress.get(address);
    if (load && load.count >= this.limits.maxPerAddress) {
      const victim = first(load.waiting) ?? this.oldestFinished(address);
      limitHit(
        this.log,
        'server-connections-per-address',
        address,
        victim ? 'closed its oldest unfinished connection' : 'refused a connection',
      );
      if (!victim) return undefined;
      this.evict(victim);
    } else if (this.count >= this.limits.maxConnections) {
      const victim = first(this.finished) ?? this.oldestWaitingOfBusiestAddress();
      if (!victim) {
        limitHit(this.log, 'server-connections', address, 'refused: every slot is busy');
        return undefined;
      }
      if (victim.state === 'waiting') {
        limitHit(
          this.log,
          'server-connections',
          victim.address,
          'closed its oldest unfinished connection for a new one',
        );
      }
      this.evict(victim);
    }
    if (this.underPressure)
      this.closeWaitingOlderThan(this.limits.pressureRequestTimeoutMs);
    const admitted: Admitted = {
      socket,
      address,
      state: 'waiting',
      since: this.clock(),
      gone: false,
    };
    this.count++;
    this.waiting.add(admitted);
    const addressLoad = this.byAddress.get(address) ?? {count: 0, waiting: new Set()};
    addressLoad.count++;
    addressLoad.waiting.add(admitted);
    this.byAddress.set(address, addressLoad);
    return admitted;
  }

  /** Its request arrived: it is doing real work now. */
  serving(admitted: Admitted): void {
    if (admitted.gone) return;
    this.leaveState(admitted);
    admitted.state = 'serving';
    admitted.since = this.clock();
  }

  /** Its answer is written: only the client's close is missing. */
  finish(admitted: Admitted): void {
    if (admitted.gone) return;
    this.leaveState(admitted);
    admitted.state = 'finished';
    admitted.since = this.clock();
    this.finished.add(admitted);
  }

  /** The connection closed, for whatever reason; a second call does nothing. */
  remove(admitted: Admitted): void {
    if (admitted.gone) return;
    admitted.gone = true;
    this.leaveState(admitted);
    this.count--;
    const load = this.byAddress.get(admitted.address);
    if (!load) return;
    load.count--;
    if (load.count === 0) this.byAddress.delete(admitted.address);
  }

  private leaveState(admitted: Admitted): void {
    if (admitted.state === 'waiting') {
      this.waiting.delete(admitted);
      this.byAddress.get(admitted.address)?.waiting.delete(admitted);
    } else if (admitted.state === 'finished') {
      this.finished.delete(admitted);
    }
  }

  private evict(victim: Admitted): void {
    this.remove(victim);
    victim.socket.destroy();
  }

  private oldestFinished(address: string): Admitted | undefined {
    for (const admitted of this.finished) {
      if (admitted.address === address) return admitted;
    }
    return undefined;
  }

  private oldestWaitingOfBusiestAddress(): Admitted | undefined {
    let busiest: AddressLoad | undefined;
    for (const load of this.byAddress.values()) {
      if (load.waiting.size > (busiest?.waiting.size ?? 0)) busiest = load;
    }
    return busiest && first(busiest.waiting);
  }

  private closeWaitingOlderThan(ageMs: number): void {
    const now = this.clock();
    for (const admitted of this.waiting) {
      if (now - admitted.since < ageMs) return; // the rest are younger
      limitHit(
        this.log,
        'request-deadline-under-pressure',
        admitted.address,
        `no complete request within ${ageMs} ms while the server is busy`,
      );
      this.evict(admitted);
    }
  }
}

function first<T>(items: Set<T>): T | undefined {
  for (const item of items) return item;
  return undefined;
}
