import {Box, Text} from 'ink';
import {memo} from 'react';
import type {FileEntry} from '../../node/types.js';
import {fileRowCells, type FileMark} from '../model/file-row.js';
import {useScrollWindow} from '../hooks/use-scroll-window.js';
import {padStartWidth, padWidth} from '../model/text-width.js';
import type {SearchView} from '../stores/app-store.js';
import {Pane} from './Pane.js';

type Props = {
  /** The rows shown: filtered and sorted. */
  files: readonly FileEntry[];
  /** How many names there are in all. */
  total: number;
  /** The filter, sort and show choice in words ('' for the defaults). */
  arrangement: string;
  search: SearchView | undefined;
  /** Names being fetched right now. */
  fetching: ReadonlyMap<string, unknown>;
  selected: number;
  focused: boolean;
  width: number;
  height: number;
};

const SIZE_WIDTH = 9;

/** Available Files: one row per name; only the rows in view are rendered. */
export const FilesPane = memo(function FilesPane({
  files,
  total,
  arrangement,
  search,
  fetching,
  selected,
  focused,
  width,
  height,
}: Props) {
  const rows = Math.max(height - 3, 0);
  const {start, end} = useScrollWindow(files.length, selected, rows);
  const inner = width - 2;
  const whereWidth = Math.min(Math.max(Math.floor(inner * 0.34), 10), 28);
  // Marker and mark, then name, where and size with one space between each.
  const nameWidth = Math.max(inner - 3 - whereWidth - 1 - SIZE_WIDTH - 1, 4);
  const shown =
    files.length === total ? `${files.length}` : `${files.length} of ${total}`;
  const position = files.length === 0 ? shown : `${selected + 1}/${shown}`;
  const searchNote = search && describeSearch(search);
  return (
    <Pane
      title="Available Files"
      detail={[position, arrangement, searchNote].filter(Boolean).join(' · ')}
      width={width}
      height={height}
      focused={focused}
    >
      <Box height={1}>
        <Text dimColor wrap="truncate">
          {'   '}
          {padWidth('name', nameWidth + 1)}
          {padWidth('where', whereWidth + 1)}
          {padStartWidth('size', SIZE_WIDTH)}
        </Text>
      </Box>
      {files.length === 0 ? (
        <Text dimColor wrap="truncate-end">
          {total === 0
            ? '  no files yet: a shares, s searches the network'
            : '  nothing to show here: / changes the filter, v what is shown'}
        </Text>
      ) : null}
      {files.slice(start, end).map((file, offset) => {
        const index = start + offset;
        const mark: FileMark = fetching.has(file.name)
          ? 'fetching'
          : search?.names.has(file.name)
            ? 'search'
            : 'none';
        const cells = fileRowCells(file, mark);
        const isSelected = index === selected;
        // Fixed-width cells with a space between: a cut name ends in … and
        // never runs into the next column.
        return (
          <Box
            key={file.name}
            height={1}
            backgroundColor={isSelected && focused ? 'blue' : undefined}
          >
            <Text bold={isSelected}>
              {isSelected ? (focused ? '›' : '·') : ' '}
              <Text color="yellow">{cells.mark}</Text> {padWidth(cells.name, nameWidth)}{' '}
              <Text color={file.local ? 'green' : undefined}>
                {padWidth(cells.where, whereWidth)}
              </Text>{' '}
              {padStartWidth(cells.size, SIZE_WIDTH)}
            </Text>
          </Box>
        );
      })}
    </Pane>
  );
});

/** `* 3 for "song" · searching…`, then `· 4 results from 2 peers` (and who may have more). */
export function describeSearch(search: SearchView): string {
  const found = `* ${search.names.size} for "${search.key}"`;
  if (search.status === 'searching') return `${found} · searching…`;
  if (search.status !== 'done') return found;
  const results = search.results ?? search.names.size;
  const peers = search.peers ?? 0;
  const cut = search.cutPeers?.length ?? 0;
  return [
    found,
    `${results} result${results === 1 ? '' : 's'} from ${peers} peer${peers === 1 ? '' : 's'}`,
    ...(cut > 0 ? [`${cut} cut at the bound: browse for more`] : []),
  ].join(' · ');
}
