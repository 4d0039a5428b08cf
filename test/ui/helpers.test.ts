/** The pure helpers under the UI: windowing, selection, layout, rows, progress, key bar. */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import type {FileEntry} from '../../source/node/types.js';
import {fileRowCells, formatWhere} from '../../source/ui/model/file-row.js';
import {fitBarItems} from '../../source/ui/model/fit-bar.js';
import {formatClock} from '../../source/ui/model/format-clock.js';
import {
  computeLayout,
  isTooSmall,
  maxDialogHeight,
  MIN_COLUMNS,
  MIN_ROWS,
} from '../../source/ui/model/layout.js';
import {
  listWindow,
  scrollOffset,
  scrollTop,
} from '../../source/ui/model/scroll-window.js';
import {
  moveSelection,
  resolveIndex,
  selectIndex,
} from '../../source/ui/model/selection.js';
import {
  progressCells,
  transferProgress,
} from '../../source/ui/model/transfer-progress.js';
import {transferRows} from '../../source/ui/model/transfer-rows.js';

describe('scrollTop (log view and help)', () => {
  test('a line, a page less one, or an end; never past either end', () => {
    assert.equal(scrollTop('down', 0, 100, 10), 1);
    assert.equal(scrollTop('k', 0, 100, 10), 0);
    assert.equal(scrollTop('pagedown', 5, 100, 10), 14);
    assert.equal(scrollTop('pageup', 5, 100, 10), 0);
    assert.equal(scrollTop('G', 0, 100, 10), 90);
    assert.equal(scrollTop('end', 0, 5, 10), 0, 'all in view: nothing to scroll');
    assert.equal(scrollTop('j', 95, 100, 10), 90, 'a stale top is clamped');
    assert.equal(scrollTop('x', 3, 100, 10), 3);
  });
});

describe('scrollOffset', () => {
  test('keeps the view still while the selection stays in it', () => {
    assert.equal(scrollOffset(0, 5, 10, 100), 0);
    assert.equal(scrollOffset(20, 25, 10, 100), 20);
  });

  test('scrolls just enough to show the selection', () => {
    assert.equal(scrollOffset(0, 10, 10, 100), 1, 'one below the view');
    assert.equal(scrollOffset(20, 19, 10, 100), 19, 'one above the view');
    assert.equal(scrollOffset(0, 99, 10, 100), 90, 'to the end');
  });

  test('never starts past the last full page or before 0', () => {
    assert.equal(scrollOffset(95, 97, 10, 100), 90);
    assert.equal(scrollOffset(-3, 0, 10, 100), 0);
    assert.equal(scrollOffset(50, 2, 10, 5), 0, 'short lists do not scroll');
    assert.equal(scrollOffset(4, 4, 0, 10), 0, 'no room');
  });

  test('listWindow is the visible slice', () => {
    assert.deepEqual(listWindow(90, 10, 100), {start: 90, end: 100});
    assert.deepEqual(listWindow(0, 10, 3), {start: 0, end: 3});
  });
});

describe('selection', () => {
  const keys = ['a', 'b', 'c', 'd', 'e'];

  test('follows its row by key when rows are added before it', () => {
    assert.equal(resolveIndex(['x', ...keys], {key: 'c', index: 2}), 3);
  });

  test('falls back to the nearest index when its row is gone', () => {
    assert.equal(resolveIndex(['a', 'b'], {key: 'e', index: 4}), 1);
    assert.equal(resolveIndex([], {key: 'a', index: 0}), -1);
  });

  test('moves by one, by a page, and to either end, clamped', () => {
    const at = (index: number) => selectIndex(keys, index);
    assert.deepEqual(moveSelection(keys, at(0), 'down', 3), {key: 'b', index: 1});
    assert.deepEqual(moveSelection(keys, at(0), 'up', 3), {key: 'a', index: 0});
    assert.deepEqual(moveSelection(keys, at(1), 'page-down', 3), {key: 'e', index: 4});
    assert.deepEqual(moveSelection(keys, at(4), 'page-down', 3), {key: 'e', index: 4});
    assert.deepEqual(moveSelection(keys, at(4), 'page-up', 3), {key: 'b', index: 1});
    assert.deepEqual(moveSelection(keys, at(2), 'first', 3), {key: 'a', index: 0});
    assert.deepEqual(moveSelection(keys, at(2), 'last', 3), {key: 'e', index: 4});
    assert.deepEqual(moveSelection([], at(2), 'down', 3), {key: undefined, index: 0});
  });
});

describe('layout', () => {
  test('too small below 60x15', () => {
    assert.equal(isTooSmall({columns: MIN_COLUMNS, rows: MIN_ROWS}), false);
    assert.equal(isTooSmall({columns: MIN_COLUMNS - 1, rows: 40}), true);
    assert.equal(isTooSmall({columns: 200, rows: MIN_ROWS - 1}), true);
  });

  for (const size of [
    {columns: 60, rows: 15},
    {columns: 80, rows: 24},
    {columns: 100, rows: 30},
    {columns: 240, rows: 70},
  ]) {
    test(`fills ${size.columns}x${size.rows} less one line, whatever is open`, () => {
      for (const dialogHeight of [0, 3, 4, 8, 50]) {
        for (const transfers of [0, 1, 5]) {
          const layout = computeLayout(size, {transfers, dialogHeight});
          const used =
            2 +
            layout.paneHeight +
            layout.detailRows +
            layout.transferRows +
            layout.logHeight +
            layout.dialogHeight;
          assert.equal(used, size.rows - 1, JSON.stringify({dialogHeight, transfers}));
          assert.ok(layout.paneHeight >= 5, 'the panes keep a few rows');
          assert.ok(layout.logHeight >= 3, 'the log keeps a line');
          assert.equal(layout.filesWidth + layout.peersWidth, size.columns);
          assert.ok(layout.peersWidth >= 24, 'a peer id fits');
          assert.ok(layout.transferRows <= Math.min(transfers, 3));
          assert.ok(layout.dialogHeight <= maxDialogHeight(size));
        }
      }
    });
  }

  test('at 80x24 the panes get most of the room', () => {
    const layout = computeLayout(
      {columns: 80, rows: 24},
      {transfers: 0, dialogHeight: 0},
    );
    assert.deepEqual(
      [layout.paneHeight, layout.logHeight, layout.filesWidth, layout.peersWidth],
      [14, 6, 56, 24],
    );
  });
});

describe('file rows', () => {
  const entry = (partial: Partial<FileEntry>): FileEntry => ({
    name: 'song.mp3',
    local: false,
    owners: [],
    ...partial,
  });

  test('where: local, one owner, or a count and the owners', () => {
    assert.equal(formatWhere(entry({local: true})), 'local');
    assert.equal(formatWhere(entry({local: true, owners: ['10.0.0.1:9000']})), 'local');
    assert.equal(formatWhere(entry({owners: ['10.0.0.1:9000']})), '10.0.0.1:9000');
    assert.equal(
      formatWhere(entry({owners: ['10.0.0.1:9000', '10.0.0.2:9000', '10.0.0.3:9000']})),
      '3 peers: 10.0.0.1:9000, 10.0.0.2:9000, 10.0.0.3:9000',
    );
  });

  test('cells: mark, name, where and size when known', () => {
    assert.deepEqual(fileRowCells(entry({owners: ['h:1'], size: 1536}), 'search'), {
      mark: '*',
      name: 'song.mp3',
      where: 'h:1',
      size: '1.5 KiB',
    });
    assert.equal(fileRowCells(entry({owners: ['h:1']}), 'fetching').mark, '↓');
    assert.equal(fileRowCells(entry({owners: ['h:1']}), 'none').size, '');
  });
});

describe('transfer progress', () => {
  const transfer = {
    id: 1,
    name: 'big.bin',
    owner: 'h:1',
    state: 'running' as const,
    startedAt: 10_000,
  };

  test('fraction, rate since the start, and time left at that rate', () => {
    const progress = transferProgress({...transfer, received: 250, total: 1000}, 12_000);
    assert.deepEqual(progress, {fraction: 0.25, rate: 125, eta: 6});
  });

  test('unknown total: no fraction and no ETA', () => {
    const progress = transferProgress({...transfer, received: 0}, 10_000);
    assert.deepEqual(progress, {fraction: undefined, rate: 0, eta: undefined});
  });

  test('an empty file is complete', () => {
    assert.equal(
      transferProgress({...transfer, received: 0, total: 0}, 10_500).fraction,
      1,
    );
  });

  test('bar cells', () => {
    assert.equal(progressCells(0.5, 10), '█████░░░░░');
    assert.equal(progressCells(1.2, 4), '████');
    assert.equal(progressCells(undefined, 4), '░░░░');
    assert.equal(progressCells(0.5, 0), '');
  });
});

describe('key bar fitting', () => {
  const items = [
    {keys: 'Tab', label: 'focus'},
    {keys: '↑↓', label: 'move'},
    {keys: 'a', label: 'add'},
    {keys: '?', label: 'help'},
    {keys: 'q', label: 'quit'},
  ];

  test('keeps everything that fits', () => {
    assert.deepEqual(fitBarItems(items, 200), items);
  });

  test('drops from the end but keeps help and quit', () => {
    const fitted = fitBarItems(items, 'Tab focus  ? help  q quit'.length);
    assert.deepEqual(
      fitted.map((item) => item.label),
      ['focus', 'help', 'quit'],
    );
  });
});

test('formatClock pads to HH:MM:SS', () => {
  assert.equal(formatClock(new Date(2024, 0, 2, 3, 4, 5).getTime()), '03:04:05');
});

describe('transferRows', () => {
  const running = [1, 2, 3, 4];

  test('all bars when they fit', () => {
    assert.deepEqual(transferRows(running, 4), {bars: [1, 2, 3, 4], more: 0});
    assert.deepEqual(transferRows(running, 0), {bars: [], more: 0});
  });

  test('else a line for the rest and the newest bars', () => {
    assert.deepEqual(transferRows(running, 3), {bars: [3, 4], more: 2});
    assert.deepEqual(transferRows(running, 2), {bars: [4], more: 3});
  });

  test('one row holds the newest bar alone, never all of them', () => {
    assert.deepEqual(transferRows(running, 1), {bars: [4], more: 0});
    assert.deepEqual(transferRows([1], 1), {bars: [1], more: 0});
  });
});
