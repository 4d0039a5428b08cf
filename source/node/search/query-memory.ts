import type {Clock} from '../collaborators.js';
import {limitDefault} from '../limits.js';

/** A query as the memory tells it apart: who asked, for what, with how much ttl left. */
export type QuerySighting = {returnPeerId: string; key: string; ttl: number};

export type QueryMemoryLimits = {
  /** Queries remembered at once; the oldest is forgotten first. */
  maxEntries: number;
  /** After this, a copy with the highest ttl seen is a person's repeated search. */
  repeatWindowMs: number;
  /** A query not seen for this long is forgotten. */
  forgetAfterMs: number;
};

export const DEFAULT_QUERY_MEMORY_LIMITS: QueryMemoryLimits = {
  maxEntries: limitDefault('query-memory'),
  repeatWindowMs: limitDefault('query-repeat-window'),
  forgetAfterMs: 60_000,
};

type Seen = {maxTtl: number; admittedAt: number};

/**
 * Why a query is processed: never seen (or forgotten), a copy reaching
 * further than the one processed (already answered: only to pass on), or a
 * search its person repeated. Undefined: a flood copy, dropped.
 */
export type Admission = 'new' | 'further' | 'repeat' | undefined;

/**
 * The duplicate filter the original lacks, built so that it never costs
 * recall. A query (same return peer and key) is processed again when
 *  - it arrives with more ttl than any copy before (it took a shorter path
 *    and reaches further), or
 *  - it arrives with that highest ttl again once the repeat window has passed
 *    since it was last processed: copies of one flood arrive within moments
 *    and, at a given node, only the shortest path brings the highest ttl, so
 *    this is the person searching again, and must be answered again.
 * Every other copy is a flood copy and is dropped.
 */
export class QueryMemory {
  private readonly seen = new Map<string, Seen>();
  private readonly limits: QueryMemoryLimits;

  constructor(
    private readonly clock: Clock = Date.now,
    limits: Partial<QueryMemoryLimits> = {},
  ) {
    this.limits = {...DEFAULT_QUERY_MEMORY_LIMITS, ...limits};
  }

  get size(): number {
    return this.seen.size;
  }

  /** Whether (and why) the query should be processed; remembered if so. */
  admit(query: QuerySighting): Admission {
    const now = this.clock();
    const id = `${query.returnPeerId} ${query.key}`;
    const seen = this.seen.get(id);
    let admission: Admission = 'new';
    if (seen && now - seen.admittedAt < this.limits.forgetAfterMs) {
      if (query.ttl > seen.maxTtl) admission = 'further';
      else if (
        query.ttl === seen.maxTtl &&
        now - seen.admittedAt >= this.limits.repeatWindowMs
      ) {
        admission = 'repeat';
      } else return undefined;
    }
    this.seen.delete(id);
    this.forgetOldest(now);
    this.seen.set(id, {maxTtl: query.ttl, admittedAt: now});
    return admission;
  }

  /** Keeps the map within its bound: expired entries first, then the oldest. */
  private forgetOldest(now: number): void {
    for (const [id, seen] of this.seen) {
      const expired = now - seen.admittedAt >= this.limits.forgetAfterMs;
      if (!expired && this.seen.size < this.limits.maxEntries) break;
      this.seen.delete(id);
    }
  }
}
