/**
 * After a whole file failed its SHA-256: which chunks to fetch again, and
 * from whom. Every source that answers FSUM has hashed the same chunks of its
 * file. A chunk where some source's file differs from ours is suspect; the
 * chunks where every source agrees with ours stay. A suspect chunk is wanted
 * as most of the sources that differ from ours have it, and is fetched again
 * only from sources that hold the wanted bytes of every suspect chunk. A
 * source that sent us a suspect chunk and holds those same bytes (its file
 * is what is wrong) is therefore never asked again; one whose file differs
 * from what we received (the bytes were spoiled on the way) may be.
 */
import type {Range} from './byte-ranges.js';

/** Who sent a chunk's bytes: source ids, or a label such as "the kept part". */
export type ChunkSenders = (chunk: number) => readonly string[];

export type RepairPlan = {
  /** Indexes of the chunks to fetch again, ascending. */
  chunks: number[];
  /** Sources to fetch them from. */
  from: string[];
  /** Who sent the suspect bytes (named in the log). */
  senders: string[];
};

/**
 * `theirs`: each answering source's chunk hashes, in the order of `ours`.
 * Undefined when nothing can be repaired: no chunk differs (every source
 * holds what we hold), or no source holds the wanted bytes of them all.
 */
export function planRepair(
  ours: readonly string[],
  theirs: ReadonlyMap<string, readonly string[]>,
  sentBy: ChunkSenders,
): RepairPlan | undefined {
  const chunks: number[] = [];
  const wanted = new Map<number, string>();
  const senders = new Set<string>();
  for (let chunk = 0; chunk < ours.length; chunk++) {
    const votes = new Map<string, number>();
    for (const sums of theirs.values()) {
      const sum = sums[chunk];
      if (sum !== undefined && sum !== ours[chunk]) {
        votes.set(sum, (votes.get(sum) ?? 0) + 1);
      }
    }
    const best = [...votes].sort((a, b) => b[1] - a[1])[0];
    if (!best) continue;
    chunks.push(chunk);
    wanted.set(chunk, best[0]);
    for (const id of sentBy(chunk)) senders.add(id);
  }
  if (chunks.length === 0) return undefined;
  const from = [...theirs]
    .filter(([, sums]) => chunks.every((chunk) => sums[chunk] === wanted.get(chunk)))
    .map(([id]) => id);
  return from.length > 0 ? {chunks, from, senders: [...senders]} : undefined;
}

/** The byte range of each chunk index, runs of neighbours merged. */
export function chunkRanges(
  chunks: readonly number[],
  chunk: number,
  size: number,
): Range[] {
  const ranges: Range[] = [];
  for (const index of chunks) {
    const start = index * chunk;
    const end = Math.min(size, start + chunk);
    const last = ranges[ranges.length - 1];
    if (last && last[1] === start) last[1] = end;
    else ranges.push([start, end]);
  }
  return ranges;
}
