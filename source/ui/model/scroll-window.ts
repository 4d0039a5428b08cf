export type ListWindow = {
  /** First visible row. */
  start: number;
  /** One past the last visible row. */
  end: number;
};

/**
 * Where a list of `total` rows shown `height` at a time should start so that
 * `selected` is visible, moving as little as possible from `offset` (the
 * previous start): the view scrolls only when the selection leaves it.
 */
export function scrollOffset(
  offset: number,
  selected: number,
  height: number,
  total: number,
): number {
  if (height <= 0 || total <= height) return 0;
  const maxStart = total - height;
  let start = Math.min(Math.max(offset, 0), maxStart);
  if (selected < start) start = selected;
  else if (selected >= start + height) start = selected - height + 1;
  return Math.min(Math.max(start, 0), maxStart);
}

export function listWindow(start: number, height: number, total: number): ListWindow {
  return {start, end: Math.min(total, start + Math.max(height, 0))};
}

/**
 * The first line in view after a scroll key (↑↓ j k a line, PgUp PgDn a page
 * less one line, Home g / End G the ends), of `total` lines shown `rows` at a time.
 */
export function scrollTop(key: string, top: number, total: number, rows: number): number {
  const most = Math.max(total - rows, 0);
  const from = Math.min(Math.max(top, 0), most);
  const page = Math.max(rows - 1, 1);
  const target: Record<string, number> = {
    up: from - 1,
    k: from - 1,
    down: from + 1,
    j: from + 1,
    pageup: from - page,
    pagedown: from + page,
    home: 0,
    g: 0,
    end: most,
    G: most,
  };
  return Math.min(Math.max(target[key] ?? from, 0), most);
}
