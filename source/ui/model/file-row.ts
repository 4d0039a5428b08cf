import {formatBytes} from '../../format/bytes.js';
import type {FileEntry} from '../../node/types.js';

export type FileMark = 'search' | 'fetching' | 'none';

export type FileRowCells = {
  mark: string;
  name: string;
  where: string;
  size: string;
};

const MARKS: Record<FileMark, string> = {search: '*', fetching: '↓', none: ' '};

/** "local", the owner's peer id, or how many owners and their ids (the pane truncates). */
export function formatWhere(entry: FileEntry): string {
  if (entry.local) return 'local';
  if (entry.owners.length === 0) return '?';
  if (entry.owners.length === 1) return entry.owners[0] as string;
  return `${entry.owners.length} peers: ${entry.owners.join(', ')}`;
}

export function fileRowCells(entry: FileEntry, mark: FileMark): FileRowCells {
  return {
    mark: MARKS[mark],
    name: entry.name,
    where: formatWhere(entry),
    size: entry.size === undefined ? '' : formatBytes(entry.size),
  };
}
