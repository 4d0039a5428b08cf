/**
 * After a whole file failed its SHA-256: which chunks to fetch again, and
 * from whom. Every source that answers FSUM has hashed the same chunks of its
 * file. Each source whose file differs from ours somewhere is a candidate:
 * if its file is the announced content, taking its bytes of exactly those
 * chunks repairs ours (the whole hash then tells). A source whose file equals
 * ours everywhere cannot be right. Candidates are tried most trusted first:
 * the one whose chunks agree most with the other sources' (a bad source is
 * outvoted), then the one with the fewest chunks to fetch. A source that sent
 * us bad bytes and holds those same bytes (its file is what is wrong) is
 * never the one asked; one whose file differs from what we received (the
 * bytes were spoilt on the way or on this disk) may be.
 */
import type {Range} from './byte-ranges.js';

/** Who sent a chunk's bytes: source ids, or a label such as "the kept part". */
export type ChunkSenders = (chunk: number) => readonly string[];

export type RepairPlan = {
  /** Indexes of the chunks to fetch again, ascending. */
  chunks: number[];
  /** The candidate first, then the sources that hold the same bytes of those chunks. */
  from: string[];
  /** Who sent the bytes now held in those chunks (named in the log). */
  senders: string[];
};

/** `theirs`: each answering source's chunk hashes, in the order of `ours`. */
export function planRepairs(
  ours: readonly string[],
  theirs: ReadonlyMap<string, readonly string[]>,
  sentBy: ChunkSenders,
): RepairPlan[] {
  const candidates = [...theirs].flatMap(([id, sums]) => {
    const chunks = ours.flatMap((sum, chunk) => (sums[chunk] === sum ? [] : [chunk]));
    if (chunks.length === 0) return [];
    let agreement = 0;
    for (const [other, otherSums] of theirs) {
      if (other === id) continue;
      agreement += sums.filter((sum, chunk) => otherSums[chunk] === sum).length;
    }
    return [{id, sums, chunks, agreement}];
  });
  candidates.sort(
    (a, b) => b.agreement - a.agreement || a.chunks.length - b.chunks.length,
  );
  return candidates.map(({id, sums, chunks}) => {
    const alike = [...theirs]
      .filter(
        ([other, otherSums]) =>
          other !== id && chunks.every((chunk) => otherSums[chunk] === sums[chunk]),
      )
      .map(([other]) => other);
    const senders = new Set(chunks.flatMap((chunk) => [...sentBy(chunk)]));
    return {chunks, from: [id, ...alike], senders: [...senders]};
  });
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
