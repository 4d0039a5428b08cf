/**
 * The user's own searches as sessions: each has a status (searching, then
 * done after a quiet period), its own result set, how many peers answered,
 * and which answers may have been cut at the responder's bound.
 */
import type {Clock} from '../collaborators.js';
import {limitDefault} from '../limits.js';
import type {SearchResult} from '../types.js';

export type SearchStatus = 'searching' | 'done';

/** A search as the app and the UI see it (plain data). */
export type SearchSummary = {
  id: number;
  key: string;
  ttl: number;
  startedAt: number;
  status: SearchStatus;
  /** When it became done. */
  doneAt?: number;
  /** Distinct (name, owner) results kept. */
  results: number;
  /** Distinct owners that answered. */
  peers: number;
  /**
   * Owners that sent as many results as a node answers one query with at
   * most: their answer may have been cut (browse them to see all).
   */
  cutPeers: string[];
  /** The session's own result set is full: later results were not kept. */
  resultsCut: boolean;
};

/** The latest search with its names, as the snapshot carries it. */
export type LatestSearch = SearchSummary & {
  /** Distinct names found, in order of arrival. */
  names: string[];
};

export type SessionLimits = {
  /** Results one session keeps. */
  maxResults: number;
  /** A search is done after this long without a new result. */
  quietMs: number;
  /** What a responder answers one query with at most (query-responses). */
  responderBound: number;
};

export const DEFAULT_SESSION_LIMITS: SessionLimits = {
  maxResults: limitDefault('search-results'),
  quietMs: 3_000,
  responderBound: limitDefault('query-responses'),
};

/** Sessions kept; their keys also decide which RESPs count as asked for. */
export const RECENT_SEARCHES = 8;

export type Timers = {
  set(ms: number, task: () => void): unknown;
  clear(handle: unknown): void;
};

export const REAL_TIMERS: Timers = {
  set: (ms, task) => setTimeout(task, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class SearchSession {
  readonly results: SearchResult[] = [];
  status: SearchStatus = 'searching';
  doneAt: number | undefined;
  resultsCut = false;
  private readonly seen = new Set<string>();
  private readonly names = new Set<string>();
  private readonly perOwner = new Map<string, number>();
  private quietTimer: unknown;

  constructor(
    readonly id: number,
    readonly key: string,
    /** The key's bytes (wire text, escapes undone), as holders match them. */
    readonly keyBytes: string,
    readonly ttl: number,
    readonly startedAt: number,
    private readonly limits: SessionLimits,
  ) {}

  /** Records a result; true when it is new to this session. */
  add(name: string, owner: string): boolean {
    const id = `${owner} ${name}`;
    if (this.seen.has(id)) return false;
    if (this.results.length >= this.limits.maxResults) {
      this.resultsCut = true;
      return false;
    }
    this.seen.add(id);
    this.names.add(name);
    this.perOwner.set(owner, (this.perOwner.get(owner) ?? 0) + 1);
    this.results.push({key: this.key, name, owner});
    return true;
  }

  summary(): SearchSummary {
    const cutPeers = [...this.perOwner]
      .filter(([, count]) => count >= this.limits.responderBound)
      .map(([owner]) => owner);
    return {
      id: this.id,
      key: this.key,
      ttl: this.ttl,
      startedAt: this.startedAt,
      status: this.status,
      ...(this.doneAt === undefined ? {} : {doneAt: this.doneAt}),
      results: this.results.length,
      peers: this.perOwner.size,
      cutPeers,
      resultsCut: this.resultsCut,
    };
  }

  withNames(): LatestSearch {
    return {...this.summary(), names: [...this.names]};
  }

  /** (Re)starts the quiet period; `onDone` runs once it passes with no result. */
  waitQuiet(timers: Timers, clock: Clock, onDone: () => void): void {
    if (this.status === 'done') return;
    timers.clear(this.quietTimer);
    this.quietTimer = timers.set(this.limits.quietMs, () => {
      this.status = 'done';
      this.doneAt = clock();
      onDone();
    });
  }

  stop(timers: Timers): void {
    timers.clear(this.quietTimer);
  }
}
