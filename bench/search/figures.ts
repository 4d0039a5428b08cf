/** Arithmetic and formatting of the search benchmark's figures. */

export function mean(values: number[]): number {
  return values.length === 0
    ? Number.NaN
    : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** The nearest-rank percentile (50 = median); NaN for no values. */
export function percentile(values: number[], rank: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(
    sorted.length - 1,
    Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1),
  );
  return sorted[index] as number;
}

/** `{2: 3, 5: 40}` → "2:3  5:40" (peer count: nodes), by peer count. */
export function formatHistogram(histogram: ReadonlyMap<number, number>): string {
  return [...histogram]
    .sort(([a], [b]) => a - b)
    .map(([count, nodes]) => `${count}:${nodes}`)
    .join('  ');
}
