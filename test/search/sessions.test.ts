/**
 * Search sessions through the app layer, over real nodes: the outcome names
 * the search, its events say searching then done, and its own result set is
 * there to ask for; the Files pane says the same in one line.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {FilerApp} from '../../source/app/filer-app.js';
import type {FilerNode} from '../../source/node/filer-node.js';
import {describeSearch} from '../../source/ui/components/FilesPane.js';
import {parseHeadlessCommand} from '../../source/headless/commands.js';
import {waitForAppEvent} from '../support/app-events.js';
import {testNetwork} from '../support/network.js';
import {mesh, shareFiles, startGraph} from './topology-kit.js';

test(
  'a search session: searching, then done with N results from M peers, and its own results',
  {timeout: 30_000},
  async (t) => {
    const network = testNetwork(t);
    const nodes = await startGraph(network, mesh(3), {searchQuietMs: 200});
    const [asker, one, two] = nodes as [FilerNode, FilerNode, FilerNode];
    await shareFiles(network, one, ['tune-1.ogg', 'tune-2.ogg']);
    await shareFiles(network, two, ['tune-1.ogg', 'other.txt']);
    const app = new FilerApp(asker);

    const started = waitForAppEvent(app, 'search-updated');
    const done = waitForAppEvent(
      app,
      'search-updated',
      ({search}) => search.status === 'done',
    );
    const outcome = await app.execute({kind: 'search', key: 'tune'});
    assert.deepEqual(outcome, {
      ok: true,
      kind: 'search',
      key: 'tune',
      asked: 2,
      searchId: 1,
    });
    assert.equal((await started).search.status, 'searching');

    const {search} = await done;
    assert.equal(search.results, 3);
    assert.equal(search.peers, 2);
    assert.deepEqual(search.cutPeers, []);
    const snapshot = app.snapshot().search;
    assert.equal(snapshot?.status, 'done');
    assert.deepEqual([...(snapshot?.names ?? [])].sort(), ['tune-1.ogg', 'tune-2.ogg']);
    assert.ok(
      app
        .snapshot()
        .log.some(
          (line) => line.message === 'search "tune" done: 3 results from 2 peers',
        ),
    );

    const results = await app.execute({kind: 'results'});
    assert.equal(results.ok && results.kind === 'results' && results.results.length, 3);
    const unknown = await app.execute({kind: 'results', searchId: 99});
    assert.deepEqual(unknown, {
      ok: false,
      code: 'ERR_NO_SEARCH',
      message: 'no recent search #99',
    });
  },
);

test('headless reads "results" and "results ID"', () => {
  assert.deepEqual(parseHeadlessCommand('results'), {
    ok: true,
    command: {kind: 'results'},
  });
  assert.deepEqual(parseHeadlessCommand('results 7'), {
    ok: true,
    command: {kind: 'results', searchId: 7},
  });
  assert.equal(parseHeadlessCommand('results x')?.ok, false);
});

test('the Files pane line: searching…, then N results from M peers, and who was cut', () => {
  const names = new Set(['a', 'b']);
  assert.equal(describeSearch({key: 'k', names}), '* 2 for "k"');
  assert.equal(
    describeSearch({key: 'k', names, status: 'searching'}),
    '* 2 for "k" · searching…',
  );
  assert.equal(
    describeSearch({key: 'k', names, status: 'done', results: 3, peers: 1, cutPeers: []}),
    '* 2 for "k" · 3 results from 1 peer',
  );
  assert.equal(
    describeSearch({
      key: 'k',
      names,
      status: 'done',
      results: 64,
      peers: 2,
      cutPeers: ['p:1'],
    }),
    '* 2 for "k" · 64 results from 2 peers · 1 cut at the bound: browse for more',
  );
});
