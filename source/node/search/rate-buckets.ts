import type {Clock} from '../collaborators.js';

export type RateLimit = {
  /** How many per minute, on average. */
  perMinute: number;
  /** How many at once after a quiet spell. */
  burst: number;
};

/** A limit of N per minute that allows a tenth of it at once. */
export function perMinute(count: number): RateLimit {
  return {perMinute: count, burst: Math.max(1, Math.ceil(count / 10))};
}

type Bucket = {tokens: number; updated: number};

/** The IP address of a `host:port` remote (a client's port is ephemeral). */
export function addressOf(remote: string): string {
  const colon = remote.lastIndexOf(':');
  return colon > 0 ? remote.slice(0, colon) : remote;
}

/** Past this many keys, buckets that are full again are forgotten. */
const SWEEP_ABOVE = 4_096;

/**
 * Token buckets, one per key (an IP address, a return address): each take
 * costs a token, tokens come back at `perMinute`, at most `burst` are held.
 * Memory stays bounded: a full bucket says nothing a new one would not, so
 * those are swept, and when the map is still at `maxKeys` the oldest goes.
 */
export class RateBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock = Date.now,
    private readonly maxKeys = SWEEP_ABOVE * 4,
  ) {}

  get size(): number {
    return this.buckets.size;
  }

  /** True (and counted) when `key` may do one more now. */
  take(key: string, cost = 1): boolean {
    const now = this.clock();
    const bucket = this.buckets.get(key) ?? this.newBucket(now);
    const refill = ((now - bucket.updated) * this.limit.perMinute) / 60_000;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + refill);
    bucket.updated = now;
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    if (bucket.tokens < cost) return false;
    bucket.tokens -= cost;
    return true;
  }

  private newBucket(now: number): Bucket {
    if (this.buckets.size >= SWEEP_ABOVE) this.sweep(now);
    if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.keys().next();
      if (!oldest.done) this.buckets.delete(oldest.value);
    }
    return {tokens: this.limit.burst, updated: now};
  }

  private sweep(now: number): void {
    const fullAfterMs = (this.limit.burst * 60_000) / this.limit.perMinute;
    for (const [key, bucket] of this.buckets) {
      // Oldest first (each take moves its key to the end): stop at the first fresh one.
      if (now - bucket.updated < fullAfterMs) break;
      this.buckets.delete(key);
    }
  }
}
