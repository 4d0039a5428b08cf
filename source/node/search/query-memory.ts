import type {Clock} from '../collaborators.js';
import type {QueryRequest} from '../../protocol/messages.js';

/**
 * Seen within this window with a ttl no higher, a query is not processed again.
 * Short: copies of one flooded query arrive within moments, and a person who
 * searches again a little later must get answers again.
 */
export const QUERY_MEMORY_MS = 5_000;
/** Past this many remembered queries, expired ones are swept out. */
const SWEEP_ABOVE = 1_000;

/**
 * The duplicate filter the original lacks. A query (same return peer and key)
 * is processed again only if it now arrives with more ttl left than before,
 * so a copy that took a shorter path still travels on.
 */
export class QueryMemory {
  private readonly seen = new Map<string, {ttl: number; expires: number}>();

  constructor(
    private readonly clock: Clock = Date.now,
    private readonly memoryMs = QUERY_MEMORY_MS,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  /** True (and remembered) when the query should be processed. */
  admit(query: QueryRequest): boolean {
    const now = this.clock();
    if (this.seen.size > SWEEP_ABOVE) {
      for (const [key, seen] of this.seen) {
        if (seen.expires <= now) this.seen.delete(key);
      }
    }
    const id = `${query.returnPeerId}\u0000${query.key}`;
    const seen = this.seen.get(id);
    if (seen && seen.expires > now && seen.ttl >= query.ttl) return false;
    this.seen.set(id, {ttl: query.ttl, expires: now + this.memoryMs});
    return true;
  }
}
