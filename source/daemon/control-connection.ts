/**
 * One client of the control socket, as the node sees it: its requests come
 * in through a bounded line splitter, its pushes go out in batches of at
 * most one per frame (the changed snapshot parts first, then the events),
 * and a client that stops reading is dropped once its backlog is full.
 */
import type net from 'node:net';
import type {AppEvent, AppSnapshot} from '../app/session.js';
import {limitDefault} from '../node/limits.js';
import {encodeLine, LineSplitter, type NodeMessage, type StateParts} from './wire.js';

const PUSHED_PARTS = ['identity', 'peers', 'files', 'transfers', 'search'] as const;

const END_GRACE_MS = 1_000;

export type ConnectionLimits = {
  lineBytes: number;
  backlogBytes: number;
  pending: number;
};

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  lineBytes: limitDefault('control-line'),
  backlogBytes: limitDefault('control-backlog'),
  pending: limitDefault('control-pending'),
};

export class ControlConnection {
  readonly splitter: LineSplitter;
  /** Commands running for this client. */
  pending = 0;
  /** Subscribed as a UI: its loss without a detach counts as terminal loss. */
  ui = false;
  detached = false;
  /** The node is closing: end once the running commands have answered. */
  ending = false;
  private subscribed: AppSnapshot | undefined;
  private queued: AppEvent[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlush = Number.NEGATIVE_INFINITY;

  constructor(
    readonly socket: net.Socket,
    readonly limits: ConnectionLimits,
    private readonly frameMs: number,
    private readonly snapshot: () => AppSnapshot,
    private readonly onOverflow: (connection: ControlConnection) => void,
  ) {
    this.splitter = new LineSplitter(limits.lineBytes);
  }

  get open(): boolean {
    return !this.socket.destroyed && this.socket.writable;
  }

  get isSubscribed(): boolean {
    return this.subscribed !== undefined;
  }

  send(message: NodeMessage): void {
    if (!this.open) return;
    this.socket.write(encodeLine(message));
    if (this.socket.writableLength > this.limits.backlogBytes) this.onOverflow(this);
  }

  /** From now on this client gets `snapshot`'s changes and every event. */
  subscribe(snapshot: AppSnapshot): void {
    this.subscribed = snapshot;
  }

  /** Queues an event; sent at once after a quiet spell, else with the frame's others. */
  push(event: AppEvent): void {
    if (!this.subscribed) return;
    this.queued.push(event);
    if (this.flushTimer) return;
    const wait = Math.max(0, this.lastFlush + this.frameMs - Date.now());
    this.flushTimer = setTimeout(() => this.flush(), wait);
  }

  /** Sends what is queued now: changed parts, then the events. */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const previous = this.subscribed;
    if (!previous || this.queued.length === 0) return;
    this.lastFlush = Date.now();
    const current = this.snapshot();
    const parts: StateParts = {};
    let changed = false;
    for (const name of PUSHED_PARTS) {
      if (current[name] === previous[name]) continue;
      Object.assign(parts, {[name]: current[name]});
      changed = true;
    }
    this.subscribed = current;
    if (changed) this.send({type: 'state', parts});
    const events = this.queued;
    this.queued = [];
    for (const event of events) this.send({type: 'event', event});
  }

  /** Ends the connection after what is written; a client that does not take it is not waited for. */
  end(): void {
    this.close();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), END_GRACE_MS).unref();
  }

  close(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.queued = [];
  }
}
