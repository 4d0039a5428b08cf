import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {FileIndex} from '../../source/node/files/file-index.js';
import {QueryMemory, QUERY_MEMORY_MS} from '../../source/node/search/query-memory.js';
import {
  MAX_FORWARD_TTL,
  MAX_RESPONSES_PER_QUERY,
  OWNERS_PER_RESPONSE,
  planQuery,
} from '../../source/node/search/query-plan.js';
import {SearchRouter} from '../../source/node/search/search-router.js';
import type {FileEntry, PeerInfo} from '../../source/node/types.js';
import {MessageType, ReplyText} from '../../source/protocol/messages.js';
import {
  FakeClock,
  FakeNetwork,
  RecordingLog,
  RecordingReply,
  reply,
} from './fake-collaborators.js';

const SELF = '10.0.0.1:9000';
const query = (key: string, ttl: number, returnPeerId = '10.0.0.9:1') => ({
  returnPeerId,
  key,
  ttl,
});

describe('QueryMemory', () => {
  test('drops a copy with no more ttl; a copy with more ttl travels on', () => {
    const memory = new QueryMemory(new FakeClock().read);
    assert.equal(memory.admit(query('a', 3)), true);
    assert.equal(memory.admit(query('a', 3)), false);
    assert.equal(memory.admit(query('a', 2)), false);
    assert.equal(memory.admit(query('a', 4)), true, 'a shorter path is never lost');
    assert.equal(memory.admit(query('a', 4, '10.0.0.8:1')), true, 'another asker');
    assert.equal(memory.admit(query('b', 1)), true, 'another key');
  });

  test('forgets a query after the memory window, so a repeated search is answered', () => {
    const clock = new FakeClock();
    const memory = new QueryMemory(clock.read);
    memory.admit(query('a', 4));
    clock.advance(QUERY_MEMORY_MS - 1);
    assert.equal(memory.admit(query('a', 4)), false);
    clock.advance(1);
    assert.equal(memory.admit(query('a', 4)), true);
  });

  test('sweeps expired entries, so memory stays bounded', () => {
    const clock = new FakeClock();
    const memory = new QueryMemory(clock.read);
    for (let index = 0; index < 1_001; index++) memory.admit(query(`k${index}`, 1));
    clock.advance(QUERY_MEMORY_MS);
    memory.admit(query('fresh', 1));
    assert.equal(memory.size, 1);
  });
});

describe('planQuery', () => {
  const local: FileEntry = {name: 'my song.mp3', local: true, owners: []};
  const remote = (name: string, owners: string[]): FileEntry => ({
    name,
    local: false,
    owners,
  });

  test('answers every match, local files as this node and remote ones by owner', () => {
    const plan = planQuery(
      query('so', 4),
      [local, remote('song2', ['10.0.0.5:1'])],
      SELF,
    );
    assert.deepEqual(plan, {
      kind: 'answer',
      responses: [
        {wireName: 'my%20song.mp3', ownerPeerId: SELF},
        {wireName: 'song2', ownerPeerId: '10.0.0.5:1'},
      ],
    });
  });

  test('bounds owners per name and responses per query', () => {
    const owners = Array.from({length: 10}, (_, index) => `10.0.2.${index}:1`);
    const one = planQuery(query('x', 4), [remote('x', owners)], SELF);
    assert.equal(one.kind === 'answer' && one.responses.length, OWNERS_PER_RESPONSE);
    const many = Array.from({length: 100}, (_, index) => remote(`x${index}`, owners));
    const all = planQuery(query('x', 4), many, SELF);
    assert.equal(all.kind === 'answer' && all.responses.length, MAX_RESPONSES_PER_QUERY);
  });

  test('forwards with one less ttl, never more than the cap; drops at ttl 0', () => {
    assert.deepEqual(planQuery(query('x', 4), [], SELF), {
      kind: 'forward',
      query: query('x', 3),
    });
    assert.deepEqual(planQuery(query('x', 1_000_000), [], SELF), {
      kind: 'forward',
      query: query('x', MAX_FORWARD_TTL),
    });
    assert.deepEqual(planQuery(query('x', 0), [], SELF), {kind: 'drop'});
  });
});

describe('SearchRouter', () => {
  function makeRouter(peers: PeerInfo[] = []) {
    const network = new FakeNetwork();
    const log = new RecordingLog();
    const files = new FileIndex(log.log);
    const deferred: Array<() => void> = [];
    const router = new SearchRouter({
      selfId: () => SELF,
      isOpen: () => true,
      peers: () => peers,
      request: network.request,
      files,
      clock: new FakeClock().read,
      log: log.log,
      defer: (task) => void deferred.push(task),
      sizeLookup: true,
    });
    return {router, network, log, files, deferred};
  }
  const peer = (n: number): PeerInfo => ({
    id: `10.0.3.${n}:1`,
    host: `10.0.3.${n}`,
    port: 1,
  });

  test('search sends QUER with the encoded key and ttl 4 to every neighbour', async () => {
    const {router, network} = makeRouter([peer(1), peer(2)]);
    network.set(peer(1).id, () => [reply(ReplyText.queryAck('a%20b'))]);
    assert.equal(await router.search('a b'), 1, 'the unreachable one did not take it');
    assert.deepEqual(
      network.sentOf(MessageType.query).map((sent) => `${sent.to} ${sent.data}`),
      [`${peer(1).id} ${SELF} a%20b 4`, `${peer(2).id} ${SELF} a%20b 4`],
    );
    assert.equal(router.latestSearch()?.key, 'a b');
  });

  test('an empty key is refused', async () => {
    await assert.rejects(makeRouter().router.search(''), {code: 'ERR_EMPTY_KEY'});
  });

  test('QUER is acknowledged at once and processed only after the reply', async () => {
    const {router, network, deferred} = makeRouter([peer(1)]);
    network.set(peer(1).id, () => []);
    const recorded = new RecordingReply();
    await router.answerQuery('10.0.0.9:1 key 2', recorded);
    assert.deepEqual(recorded.frames, ['REPL Query ACK: key']);
    assert.equal(network.sent.length, 0);
    assert.equal(deferred.length, 1);
    const bad = new RecordingReply();
    await router.answerQuery('only two', bad);
    assert.deepEqual(bad.frames, [`ERRO ${ReplyText.queryIncorrect}`]);
  });

  test('a match is answered with RESP to the asker and not forwarded', async () => {
    const {router, network, files} = makeRouter([peer(1)]);
    files.share('key.txt', '/tmp/key.txt', 3);
    network.set('10.0.0.9:1', () => []);
    await router.processQuery(query('key', 4));
    assert.deepEqual(
      network.sent.map((sent) => `${sent.to} ${sent.type} ${sent.data}`),
      [`10.0.0.9:1 RESP key.txt ${SELF}`],
    );
  });

  test('no match: forwarded once to every neighbour; the flood copy is dropped', async () => {
    const {router, network} = makeRouter([peer(1), peer(2)]);
    await router.processQuery(query('none', 4));
    await router.processQuery(query('none', 4));
    assert.deepEqual(
      network.sentOf(MessageType.query).map((sent) => `${sent.to} ${sent.data}`),
      [`${peer(1).id} 10.0.0.9:1 none 3`, `${peer(2).id} 10.0.0.9:1 none 3`],
    );
  });

  test('its own query coming back is ignored', async () => {
    const {router, network} = makeRouter([peer(1)]);
    await router.processQuery(query('x', 4, SELF));
    assert.equal(network.sent.length, 0);
  });

  test('RESP adds the owner, reports a result of the latest search, asks SIZE once', async () => {
    const {router, network, files} = makeRouter();
    network.set('10.0.0.5:1', (type) =>
      type === MessageType.size ? [reply('1234')] : [],
    );
    await router.search('song');
    const results: string[] = [];
    router.on('search-result', (result) =>
      results.push(`${result.name} ${result.owner}`),
    );
    const sized = new Promise<void>((resolve) =>
      files.on('file-added', (file) => file.size === 1234 && resolve()),
    );
    router.acceptResponse('my%20song.mp3 10.0.0.5:1', '10.0.0.5:40000');
    router.acceptResponse('my%20song.mp3 10.0.0.5:1', '10.0.0.5:40001');
    await sized;
    assert.deepEqual(results, ['my song.mp3 10.0.0.5:1']);
    assert.deepEqual(files.entry('my song.mp3'), {
      name: 'my song.mp3',
      local: false,
      owners: ['10.0.0.5:1'],
      size: 1234,
    });
    assert.equal(network.sentOf(MessageType.size).length, 1);
  });

  test('RESP with an unsafe name, bad fields or this node as owner is ignored', () => {
    const {router, files, log} = makeRouter();
    router.acceptResponse('.. 10.0.0.5:1', 'x');
    router.acceptResponse('../etc 10.0.0.5:1', 'x');
    router.acceptResponse('one-field', 'x');
    router.acceptResponse(`mine.txt ${SELF}`, 'x');
    assert.deepEqual(files.entries(), []);
    assert.ok(log.has(/ignored RESP from x/));
  });
});
