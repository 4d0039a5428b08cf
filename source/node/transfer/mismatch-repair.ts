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
 *
 * The hashes arrive a span at a time and only the chunks where some source
 * differs from ours are kept, at most `max-repair-chunks` of them, so memory
 * stays flat in the file's size whatever the sources answer.
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

type ChunkHashes = {ours: string; theirs: Map<string, string>};

export class ChunkComparison {
  /** Chunks where some source's file differs from ours, with every answer for them. */
  private readonly differing = new Map<number, ChunkHashes>();
  /** Per pair of sources ("a b"): chunks where their files agree. */
  private readonly agreeing = new Map<string, number>();
  private readonly answered = new Set<string>();
  private readonly dropped = new Set<string>();
  /** More chunks differ than the bound: nothing is planned. */
  overflow = false;

  constructor(private readonly maxDiffering: number) {}

  /** One span: our hashes of the chunks from `first` on, and each answering source's. */
  add(
    first: number,
    ours: readonly string[],
    theirs: ReadonlyMap<string, readonly string[]>,
  ): void {
    const ids = [...theirs.keys()].filter((id) => !this.dropped.has(id));
    for (const id of ids) this.answered.add(id);
    ours.forEach((sum, offset) => {
      const hashes = new Map(ids.map((id) => [id, theirs.get(id)?.[offset] ?? '']));
      ids.forEach((a, index) => {
        for (const b of ids.slice(index + 1)) {
          if (hashes.get(a) !== hashes.get(b)) continue;
          const pair = `${a} ${b}`;
          this.agreeing.set(pair, (this.agreeing.get(pair) ?? 0) + 1);
        }
      });
      if ([...hashes.values()].every((theirSum) => theirSum === sum)) return;
      if (this.differing.size >= this.maxDiffering) this.overflow = true;
      else this.differing.set(first + offset, {ours: sum, theirs: hashes});
    });
  }

  /** A source that stopped answering: left out of every plan. */
  drop(id: string): void {
    this.dropped.add(id);
  }

  /** Chunks some source differs on (ours may change there after a try). */
  chunks(): number[] {
    return [...this.differing.keys()];
  }

  /** Our hash of a chunk after it was fetched again. */
  update(chunk: number, ours: string): void {
    const hashes = this.differing.get(chunk);
    if (hashes) hashes.ours = ours;
  }

  /** The candidates, most trusted first; none after an overflow. */
  plans(sentBy: ChunkSenders): RepairPlan[] {
    if (this.overflow) return [];
    const live = [...this.answered].filter((id) => !this.dropped.has(id));
    const candidates = live.flatMap((id) => {
      const chunks = [...this.differing]
        .filter(([, hashes]) => hashes.theirs.get(id) !== hashes.ours)
        .map(([chunk]) => chunk)
        .sort((a, b) => a - b);
      if (chunks.length === 0) return [];
      const agreement = live.reduce(
        (sum, other) =>
          sum +
          (this.agreeing.get(`${id} ${other}`) ??
            this.agreeing.get(`${other} ${id}`) ??
            0),
        0,
      );
      return [{id, chunks, agreement}];
    });
    candidates.sort(
      (a, b) => b.agreement - a.agreement || a.chunks.length - b.chunks.length,
    );
    return candidates.map(({id, chunks}) => {
      const theirs = (other: string, chunk: number) =>
        this.differing.get(chunk)?.theirs.get(other);
      const alike = live.filter(
        (other) =>
          other !== id &&
          chunks.every((chunk) => theirs(other, chunk) === theirs(id, chunk)),
      );
      const senders = new Set(chunks.flatMap((chunk) => [...sentBy(chunk)]));
      return {chunks, from: [id, ...alike], senders: [...senders]};
    });
  }
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
