/**
 * A list selection remembered by the row's key (a file name, a peer id), so it
 * stays on the same row when rows are added above it, and by index, so it
 * lands on a neighbour when its row goes away.
 */
export type Selection = {key: string | undefined; index: number};

export type Move = 'up' | 'down' | 'page-up' | 'page-down' | 'first' | 'last';

export const NO_SELECTION: Selection = {key: undefined, index: 0};

/** The selected row's index in `keys`, or -1 when the list is empty. */
export function resolveIndex(keys: readonly string[], selection: Selection): number {
  if (keys.length === 0) return -1;
  if (selection.key !== undefined) {
    const found = keys.indexOf(selection.key);
    if (found !== -1) return found;
  }
  return Math.min(Math.max(selection.index, 0), keys.length - 1);
}

export function selectIndex(keys: readonly string[], index: number): Selection {
  if (keys.length === 0) return NO_SELECTION;
  const clamped = Math.min(Math.max(index, 0), keys.length - 1);
  return {key: keys[clamped], index: clamped};
}

export function moveSelection(
  keys: readonly string[],
  selection: Selection,
  move: Move,
  pageSize: number,
): Selection {
  const current = resolveIndex(keys, selection);
  if (current === -1) return NO_SELECTION;
  const page = Math.max(1, pageSize);
  const target = {
    up: current - 1,
    down: current + 1,
    'page-up': current - page,
    'page-down': current + page,
    first: 0,
    last: keys.length - 1,
  }[move];
  return selectIndex(keys, target);
}
