/**
 * The neighbours' query tables with a scripted network and a clock that
 * moves only when told: when a table is trusted, and every way it stops
 * being trusted (a change announced, a fetch that brings the old version,
 * age, a non-answer), so that a neighbour is never skipped on an old table;
 * and whom this node tells that its own table changed.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import type {Frame} from '../../source/protocol/frame.js';
import {formatTableReply} from '../../source/protocol/query-table-messages.js';
import {buildGramFilter} from '../../source/node/search/gram-filter.js';
import {NeighbourTables} from '../../source/node/search/neighbour-tables.js';
import {QueryRouting} from '../../source/node/search/query-routing.js';
import type {PeerInfo} from '../../source/node/types.js';

const PEER: PeerInfo = {id: '127.0.0.1:9001', host: '127.0.0.1', port: 9001};
const FROM_PEER = '127.0.0.1:53211';

function tableFrame(version: number, names: string[]): Frame {
  const filter = buildGramFilter(names, 1024);
  return {type: 'REPL', data: formatTableReply({version, ...filter})};
}

function harness() {
  let now = 0;
  const answers: Array<() => Promise<Frame[]>> = [];
  const asked: string[] = [];
  const logs: string[] = [];
  const tables = new NeighbourTables({
    selfId: () => '127.0.0.1:9000',
    neighbours: () => [PEER],
    clock: () => now,
    log: (_level, message) => logs.push(message),
    limits: {maxAgeMs: 60_000, retryMs: 30_000},
    request: (_address, type) => {
      asked.push(type);
      const answer = answers.shift();
      return answer ? answer() : Promise.resolve([]);
    },
  });
  return {
    tables,
    asked,
    logs,
    answer: (frames: Frame[]) => answers.push(() => Promise.resolve(frames)),
    /** The next request waits until the returned function is called. */
    hold: (frames: Frame[]) => {
      let release = (): void => {};
      answers.push(
        () =>
          new Promise<Frame[]>((resolve) => {
            release = () => resolve(frames);
          }),
      );
      return () => release();
    },
    advance: (ms: number) => void (now += ms),
  };
}

test('a fetched table rules out keys its names cannot contain, until it is old', async () => {
  const {tables, answer, advance} = harness();
  answer([tableFrame(7, ['holiday.jpg'])]);
  await tables.fetch(PEER);
  assert.equal(tables.mayMatch(PEER.id, 'liday'), true);
  assert.equal(tables.mayMatch(PEER.id, 'song'), false);
  assert.equal(tables.speaksQueryRouting(PEER.id), true);
  advance(60_000);
  assert.equal(tables.mayMatch(PEER.id, 'song'), true, 'too old to be trusted');
});

test('a change announced is trusted only once its version is fetched', async () => {
  const {tables, answer, hold, advance} = harness();
  answer([tableFrame(7, ['holiday.jpg'])]);
  await tables.fetch(PEER);

  // The new table is on its way while the notice arrives: until it is here, every query.
  const release = hold([tableFrame(8, ['holiday.jpg', 'song.mp3'])]);
  assert.equal(tables.noticed({peerId: PEER.id, version: 8}, FROM_PEER), true);
  assert.equal(tables.mayMatch(PEER.id, 'song'), true);
  release();
  await tables.fetch(PEER);
  assert.equal(tables.mayMatch(PEER.id, 'song'), true, 'in the new table');
  assert.equal(tables.mayMatch(PEER.id, 'nowhere'), false, 'trusted again');

  // A fetch that started before the notice brings the old version: it stays untrusted.
  const old = hold([tableFrame(8, ['holiday.jpg', 'song.mp3'])]);
  advance(50_000);
  const refreshing = tables.refresh();
  assert.equal(tables.noticed({peerId: PEER.id, version: 9}, FROM_PEER), true);
  old();
  await refreshing;
  assert.equal(tables.mayMatch(PEER.id, 'nowhere'), true, 'version 8 is not 9');
  answer([tableFrame(9, ['holiday.jpg'])]);
  await tables.refresh();
  assert.equal(tables.mayMatch(PEER.id, 'nowhere'), false);
});

test('a notice from a stranger or another address changes nothing', async () => {
  const {tables, answer, asked} = harness();
  answer([tableFrame(7, ['holiday.jpg'])]);
  await tables.fetch(PEER);
  assert.equal(tables.noticed({peerId: '127.0.0.1:9999', version: 8}, FROM_PEER), false);
  assert.equal(tables.noticed({peerId: PEER.id, version: 8}, '10.9.9.9:5000'), false);
  assert.equal(tables.mayMatch(PEER.id, 'song'), false);
  assert.deepEqual(asked, ['QTAB']);
});

test('an original closes QTAB: every query, asked again only after the retry time', async () => {
  const {tables, asked, advance} = harness();
  await tables.fetch(PEER);
  assert.equal(tables.isOriginal(PEER.id), true);
  assert.equal(tables.speaksQueryRouting(PEER.id), false);
  assert.equal(tables.mayMatch(PEER.id, 'song'), true);
  await tables.refresh();
  assert.equal(asked.length, 1, 'not asked again at once');
  advance(30_000);
  await tables.refresh();
  assert.equal(asked.length, 2);
});

test('a neighbour that fetched the current table is not told of it; a change is told', async () => {
  let listing: Array<{wireName: string}> = [{wireName: 'old.txt'}];
  const sent: string[] = [];
  const routing = new QueryRouting({
    selfId: () => '127.0.0.1:9000',
    neighbours: () => [PEER],
    shared: () => listing,
    clock: () => 0,
    log: () => undefined,
    request: (_address, type) => {
      sent.push(type);
      return Promise.resolve(
        type === 'QTAN' ? [{type: 'REPL', data: Buffer.from('')}] : [],
      );
    },
  });
  const reply = {send: () => Promise.resolve()};
  await routing.answerTable(Buffer.from(PEER.id), reply, FROM_PEER);
  await routing.announce();
  assert.deepEqual(sent, [], 'it has this version');
  listing = [...listing, {wireName: 'new.txt'}];
  await routing.announce();
  assert.deepEqual(sent, ['QTAN']);
  await routing.announce();
  assert.deepEqual(sent, ['QTAN'], 'told once');
});
