/** A catalogue of 10,000 names: only the rows in view are rendered, and the view scrolls. */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {after, before, test} from 'node:test';
import {render} from 'ink-testing-library';
import {FilerApp} from '../../source/app/filer-app.js';
import type {FileEntry} from '../../source/node/types.js';
import {FilesPane} from '../../source/ui/components/FilesPane.js';
import {TestNetwork} from '../support/network.js';
import {KEY, renderApp, selectedFileRow, stripAnsi} from '../support/ui-harness.js';

const COUNT = 10_000;
const fileName = (index: number): string => `file-${String(index).padStart(5, '0')}.dat`;

const network = new TestNetwork();
let app: FilerApp;

before(async () => {
  const share = await network.tempDir('ui-catalogue');
  for (let start = 0; start < COUNT; start += 500) {
    await Promise.all(
      Array.from({length: 500}, (_, offset) =>
        fs.writeFile(path.join(share, fileName(start + offset)), ''),
      ),
    );
  }
  const node = await network.startNode();
  app = new FilerApp(node);
  await node.addShare(share);
  assert.equal(node.files().length, COUNT);
});

after(() => network.close());

function fileRows(frame: string): string[] {
  return frame.split('\n').filter((line) => /^[│║].*file-\d{5}\.dat/u.test(line));
}

// How fast keys are answered on such a list is measured by npm run bench:ui.
test('10,000 names render as one screenful of rows, and the selection scrolls', async () => {
  const view = await renderApp(app, {columns: 100, rows: 30});
  try {
    let frame = await view.waitForFrame(
      (text) => text.includes(`1/${COUNT}`),
      'the catalogue in the title',
      30_000,
    );
    const rows = fileRows(frame);
    assert.ok(rows.length > 5 && rows.length < 30, `${rows.length} rows rendered`);
    assert.match(rows[0] ?? '', /file-00000\.dat/);
    assert.ok(!frame.includes(fileName(rows.length)), 'the next row is not rendered');

    await view.press(KEY.end);
    frame = await view.waitForFrame(
      (text) => text.includes(`${COUNT}/${COUNT}`),
      'the last row selected',
    );
    assert.match(selectedFileRow(frame), new RegExp(fileName(COUNT - 1)));
    assert.equal(fileRows(frame).length, rows.length);
    assert.ok(!frame.includes(fileName(0)));

    await view.press(KEY.home, KEY.pageDown);
    frame = await view.waitForFrame(
      (text) => text.includes(`${rows.length + 1}/${COUNT}`),
      'one page down from the top',
    );
    assert.match(selectedFileRow(frame), new RegExp(fileName(rows.length)));

    for (let index = 0; index < 20; index++) await view.press(KEY.down);
    frame = await view.waitForFrame(
      (text) => text.includes(`${rows.length + 21}/${COUNT}`),
      'twenty rows further down',
    );
    assert.match(selectedFileRow(frame), new RegExp(fileName(rows.length + 20)));
  } finally {
    view.unmount();
  }
});

test('FilesPane reads only the rows in view of a 10,000-row list', () => {
  const entries: FileEntry[] = Array.from({length: COUNT}, (_, index) => ({
    name: fileName(index),
    local: false,
    owners: ['127.0.0.1:9000'],
    size: index,
  }));
  const read = new Set<number>();
  const files = new Proxy(entries, {
    get(target, property, receiver) {
      if (typeof property === 'string' && /^\d+$/.test(property))
        read.add(Number(property));
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  const height = 20;
  const view = render(
    <FilesPane
      files={files}
      total={files.length}
      arrangement=""
      search={undefined}
      fetching={new Map()}
      selected={5_000}
      focused
      width={70}
      height={height}
    />,
  );
  const frame = stripAnsi(view.lastFrame() ?? '');
  view.unmount();
  const visibleRows = height - 3;
  assert.equal(fileRows(frame).length, visibleRows);
  assert.match(frame, /› {2}file-05000\.dat/);
  assert.equal(read.size, visibleRows, `read ${read.size} rows`);
  assert.ok([...read].every((index) => index > 5_000 - visibleRows && index <= 5_000));
});
