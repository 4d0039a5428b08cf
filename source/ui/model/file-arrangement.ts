/**
 * Which rows a list shows and in what order: the filter typed after `/`,
 * the sort chosen with `o`/`O`, and for Available Files which files (`v`:
 * all, only mine, only the network's, only the latest search's results).
 * Pure and cheap enough for 10,000 rows on every change of the catalogue.
 */
import type {FileEntry, PeerInfo} from '../../node/types.js';
import {formatWhere} from './file-row.js';

export const SORT_KEYS = ['arrival', 'name', 'size', 'owner'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const SHOW_FILTERS = ['all', 'mine', 'network', 'search'] as const;
export type ShowFilter = (typeof SHOW_FILTERS)[number];

export type FileArrangement = {
  filter: string;
  sort: SortKey;
  reverse: boolean;
  show: ShowFilter;
};

export const DEFAULT_ARRANGEMENT: FileArrangement = {
  filter: '',
  sort: 'arrival',
  reverse: false,
  show: 'all',
};

export const SHOW_LABEL: Record<ShowFilter, string> = {
  all: 'all files',
  mine: 'only mine',
  network: 'only the network’s',
  search: 'only the latest search',
};

export function nextOf<T>(values: readonly T[], current: T): T {
  return values[(values.indexOf(current) + 1) % values.length] as T;
}

/** Case-insensitive; every word of the filter must occur somewhere in the text. */
export function matchesFilter(text: string, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/u).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = text.toLowerCase();
  return words.every((word) => haystack.includes(word));
}

function compareText(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  return left < right ? -1 : left > right ? 1 : 0;
}

const COMPARE: Record<
  Exclude<SortKey, 'arrival'>,
  (a: FileEntry, b: FileEntry) => number
> = {
  name: (a, b) => compareText(a.name, b.name),
  // Unknown sizes sort as the smallest.
  size: (a, b) => (a.size ?? -1) - (b.size ?? -1) || compareText(a.name, b.name),
  owner: (a, b) =>
    compareText(formatWhere(a), formatWhere(b)) || compareText(a.name, b.name),
};

export function arrangeFiles(
  files: readonly FileEntry[],
  arrangement: FileArrangement,
  searchNames: ReadonlySet<string> | undefined,
): readonly FileEntry[] {
  const {filter, sort, reverse, show} = arrangement;
  if (filter === '' && sort === 'arrival' && !reverse && show === 'all') return files;
  const kept = files.filter(
    (file) =>
      (show === 'all' ||
        (show === 'mine' && file.local) ||
        (show === 'network' && file.owners.length > 0) ||
        (show === 'search' && searchNames?.has(file.name) === true)) &&
      matchesFilter(`${file.name} ${formatWhere(file)}`, filter),
  );
  if (sort !== 'arrival') kept.sort(COMPARE[sort]);
  if (reverse) kept.reverse();
  return kept;
}

export function filterPeers(
  peers: readonly PeerInfo[],
  filter: string,
): readonly PeerInfo[] {
  return filter === '' ? peers : peers.filter((peer) => matchesFilter(peer.id, filter));
}

/** "sorted by name ↓ · only mine · /holiday", or '' for the defaults. */
export function describeArrangement(arrangement: FileArrangement): string {
  const parts: string[] = [];
  if (arrangement.sort !== 'arrival' || arrangement.reverse) {
    parts.push(`by ${arrangement.sort}${arrangement.reverse ? ' ↑' : ''}`);
  }
  if (arrangement.show !== 'all') parts.push(SHOW_LABEL[arrangement.show]);
  if (arrangement.filter !== '') parts.push(`/${arrangement.filter}`);
  return parts.join(' · ');
}
