export type TransferRows<T> = {
  /** The bars to draw: the newest transfers, oldest first. */
  bars: T[];
  /** How many transfers the "… more" line counts; 0 when there is no such line. */
  more: number;
};

/**
 * What fits in `rows` lines: every bar, or else a line saying how many more
 * and the newest bars below it; a single line shows the newest bar alone
 * (the header still counts them all).
 */
export function transferRows<T>(running: readonly T[], rows: number): TransferRows<T> {
  if (rows <= 0) return {bars: [], more: 0};
  if (running.length <= rows) return {bars: [...running], more: 0};
  const barRows = rows === 1 ? 1 : rows - 1;
  const bars = running.slice(running.length - barRows);
  return {bars, more: rows === 1 ? 0 : running.length - barRows};
}
