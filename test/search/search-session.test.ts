import assert from 'node:assert/strict';
import {test} from 'node:test';
import {FileIndex} from '../../source/node/files/file-index.js';
import {
  SearchRouter,
  type SearchSummary,
} from '../../source/node/search/search-router.js';
import type {Timers} from '../../source/node/search/search-session.js';
import type {PeerInfo} from '../../source/node/types.js';
import {ManualClock} from '../support/manual-clock.js';
import {FakeNetwork, RecordingLog} from '../node/fake-collaborators.js';

const SELF = '10.0.0.1:9000';
const QUIET_MS = 3_000;
const neighbour: PeerInfo = {id: '10.0.3.1:1', host: '10.0.3.1', port: 1};

function makeRouter(limits: {maxResponsesPerQuery?: number; maxResults?: number} = {}) {
  const clock = new ManualClock();
  const timers: Timers = {
    set: (ms, task) => clock.after(ms, task),
    clear: (handle) => (handle as (() => void) | undefined)?.(),
  };
  const network = new FakeNetwork();
  network.set(neighbour.id, () => []);
  const log = new RecordingLog();
  const router = new SearchRouter({
    selfId: () => SELF,
    isOpen: () => true,
    peers: () => [neighbour],
    request: network.request,
    files: new FileIndex(log.log),
    clock: () => clock.now(),
    log: log.log,
    defer: () => undefined,
    sizeLookup: false,
    limits: {
      responsesPerPeerPerMinute: 1e9,
      ...(limits.maxResponsesPerQuery
        ? {maxResponsesPerQuery: limits.maxResponsesPerQuery}
        : {}),
    },
    session: {
      quietMs: QUIET_MS,
      ...(limits.maxResults ? {maxResults: limits.maxResults} : {}),
    },
    timers,
  });
  const updates: SearchSummary[] = [];
  router.on('search-updated', (summary) => updates.push(summary));
  const resp = (name: string, owner: string): void =>
    router.acceptResponse(
      Buffer.from(`${name} ${owner}`),
      `${owner.split(':')[0]}:40000`,
    );
  return {router, clock, log, updates, resp};
}

test('a search is searching, counts results and answering peers, and is done after a quiet period', async () => {
  const {router, clock, log, updates, resp} = makeRouter();
  await router.search('song');
  assert.deepEqual(updates.at(-1), {
    id: 1,
    key: 'song',
    ttl: 4,
    startedAt: 0,
    status: 'searching',
    results: 0,
    peers: 0,
    cutPeers: [],
    resultsCut: false,
  });
  clock.advance(QUIET_MS - 1);
  resp('song-a.mp3', '10.0.0.5:1');
  resp('song-b.mp3', '10.0.0.5:1');
  resp('song-a.mp3', '10.0.0.6:1');
  resp('song-a.mp3', '10.0.0.6:1');
  resp('other.txt', '10.0.0.6:1');
  clock.advance(QUIET_MS - 1);
  assert.equal(
    updates.at(-1)?.status,
    'searching',
    'each result restarts the quiet period',
  );
  clock.advance(1);
  const done = updates.at(-1);
  assert.equal(done?.status, 'done');
  assert.equal(done?.doneAt, 2 * QUIET_MS - 1);
  assert.equal(done?.results, 3);
  assert.equal(done?.peers, 2);
  assert.ok(log.has(/^search "song" done: 3 results from 2 peers$/));
  assert.deepEqual(router.latestSearch()?.names, ['song-a.mp3', 'song-b.mp3']);
  assert.deepEqual(
    router.searchResults()?.map((result) => `${result.name} ${result.owner}`),
    ['song-a.mp3 10.0.0.5:1', 'song-b.mp3 10.0.0.5:1', 'song-a.mp3 10.0.0.6:1'],
  );
});

test('each search has its own result set; a result counts for every search it answers', async () => {
  const {router, resp} = makeRouter();
  await router.search('song');
  await router.search('live');
  resp('song-live.mp3', '10.0.0.5:1');
  resp('song-studio.mp3', '10.0.0.5:1');
  const [first, second] = router.searches();
  assert.equal(first?.results, 2);
  assert.equal(second?.results, 1);
  assert.deepEqual(
    router.searchResults(second?.id)?.map((result) => result.name),
    ['song-live.mp3'],
  );
});

test('a peer whose answer reached the bound is named: it may have more', async () => {
  const {router, clock, log, resp} = makeRouter({maxResponsesPerQuery: 3, maxResults: 5});
  await router.search('f');
  for (let index = 0; index < 3; index++) resp(`f${index}`, '10.0.0.5:1');
  for (let index = 0; index < 4; index++) resp(`f-other${index}`, '10.0.0.6:1');
  clock.advance(QUIET_MS);
  const done = router.latestSearch();
  assert.deepEqual(done?.cutPeers, ['10.0.0.5:1']);
  assert.equal(done?.results, 5, 'the own result set is bounded');
  assert.equal(done?.resultsCut, true);
  assert.ok(
    log.has(
      /^search "f" done: 5 results from 2 peers; 10\.0\.0\.5:1 may have more \(its answer was cut at the bound; browse it\); more results came than a search keeps$/,
    ),
  );
});
