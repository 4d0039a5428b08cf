import type {BarItem} from './key-lookup.js';

/** Spaces between two key bar items. */
export const BAR_GAP = 2;

const PINNED = new Set(['help', 'quit']);

export function barItemWidth(item: BarItem): number {
  return item.keys.length + 1 + item.label.length;
}

/**
 * The items that fit in `width` columns: the last ones give way first, but
 * help and quit always stay, so a narrow terminal still says where to look.
 */
export function fitBarItems(items: readonly BarItem[], width: number): BarItem[] {
  const kept = [...items];
  const total = (): number =>
    kept.reduce((sum, item) => sum + barItemWidth(item), 0) +
    BAR_GAP * Math.max(kept.length - 1, 0);
  for (let index = kept.length - 1; index >= 0 && total() > width; index--) {
    if (!PINNED.has((kept[index] as BarItem).label)) kept.splice(index, 1);
  }
  return kept;
}
