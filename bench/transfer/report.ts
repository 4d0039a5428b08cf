/** Arithmetic and formatting of the benchmark's figures (MB = 10^6 bytes). */

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function megabytesPerSecond(bytes: number, seconds: number): number {
  return bytes / 1e6 / seconds;
}

export function rate(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(0)} MB/s` : 'n/a';
}

export function ratio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : 'n/a';
}

/** Bytes as MB (10^6), or "n/a" when the OS did not tell. */
export function memory(bytes: number | undefined): string {
  return bytes === undefined ? 'n/a' : `${(bytes / 1e6).toFixed(0)} MB`;
}

/** The largest of the known values. */
export function peak(values: (number | undefined)[]): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
}

/** 1073741824 → "1 GiB", 1610612736 → "1.50 GiB". */
export function sizeText(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let unit = 0;
  while (unit < units.length - 1 && bytes >= 1024 ** (unit + 1)) unit++;
  const value = bytes / 1024 ** unit;
  return `${Number.isInteger(value) ? value : value.toFixed(2)} ${units[unit]}`;
}

/** Right-aligned columns, first row as the heading. */
export function table(rows: string[][], indent = '  '): string[] {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows.map(
    (row) =>
      indent + row.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  '),
  );
}
