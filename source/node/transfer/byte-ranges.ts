/** Sets of byte ranges [start, end), kept sorted and merged. Pure. */
export type Range = [start: number, end: number];

export function mergeRanges(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: Range[] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

export function addRange(ranges: readonly Range[], range: Range): Range[] {
  return mergeRanges([...ranges, range]);
}

/** `ranges` without the bytes of `removed`. */
export function subtractRanges(
  ranges: readonly Range[],
  removed: readonly Range[],
): Range[] {
  let result = mergeRanges(ranges);
  for (const [cutStart, cutEnd] of mergeRanges(removed)) {
    result = result.flatMap(([start, end]): Range[] => {
      if (cutEnd <= start || end <= cutStart) return [[start, end]];
      const parts: Range[] = [];
      if (start < cutStart) parts.push([start, cutStart]);
      if (cutEnd < end) parts.push([cutEnd, end]);
      return parts;
    });
  }
  return result;
}

export function coveredBytes(ranges: readonly Range[]): number {
  return ranges.reduce((sum, [start, end]) => sum + (end - start), 0);
}

/** Where the contiguous run from 0 ends. */
export function prefixEnd(ranges: readonly Range[]): number {
  const first = ranges[0];
  return first && first[0] === 0 ? first[1] : 0;
}

/** The parts of [0, size) not covered, cut into pieces of at most `piece` bytes. */
export function missingPieces(
  ranges: readonly Range[],
  size: number,
  piece: number,
): Range[] {
  const pieces: Range[] = [];
  let position = 0;
  const cut = (start: number, end: number): void => {
    for (let at = start; at < end; at += piece)
      pieces.push([at, Math.min(end, at + piece)]);
  };
  for (const [start, end] of mergeRanges(ranges)) {
    if (start > position) cut(position, start);
    position = Math.max(position, end);
  }
  if (position < size) cut(position, size);
  return pieces;
}
