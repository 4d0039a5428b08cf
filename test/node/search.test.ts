import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {FileIndex} from '../../source/node/files/file-index.js';
import {SearchRouter, type SearchDeps} from '../../source/node/search/search-router.js';
import type {PeerInfo} from '../../source/node/types.js';
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

describe('SearchRouter', () => {
  function makeRouter(
    peers: PeerInfo[] = [],
    options: Pick<SearchDeps, 'mode' | 'limits'> = {},
  ) {
    const network = new FakeNetwork();
    const clock = new FakeClock();
    const log = new RecordingLog();
    const files = new FileIndex(log.log);
    const deferred: Array<() => void> = [];
    const router = new SearchRouter({
      selfId: () => SELF,
      isOpen: () => true,
      peers: () => peers,
      request: network.request,
      files,
      clock: clock.read,
      log: log.log,
      defer: (task) => void deferred.push(task),
      sizeLookup: true,
      ...options,
    });
    return {router, network, log, files, deferred, clock};
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
    await router.answerQuery(Buffer.from('10.0.0.9:1 key 2'), recorded);
    assert.deepEqual(recorded.frames, ['REPL Query ACK: key']);
    assert.equal(network.sent.length, 0);
    assert.equal(deferred.length, 1);
    const bad = new RecordingReply();
    await router.answerQuery(Buffer.from('only two'), bad);
    assert.deepEqual(bad.frames, [`ERRO ${ReplyText.queryIncorrect}`]);
  });

  test('a match is answered with one RESP per local file, and still forwarded', async () => {
    const {router, network, files} = makeRouter([peer(1)]);
    files.share('key.txt', '/tmp/key.txt', 3);
    files.share('key 2.txt', '/tmp/key 2.txt', 3);
    files.addRemote('key-heard.txt', 'key-heard.txt', '10.0.0.7:1');
    network.set('10.0.0.9:1', () => []);
    await router.processQuery(query('key', 4));
    assert.deepEqual(
      network.sent.map((sent) => `${sent.to} ${sent.type} ${sent.data}`).sort(),
      [
        `10.0.0.9:1 RESP key%202.txt ${SELF}`,
        `10.0.0.9:1 RESP key.txt ${SELF}`,
        `${peer(1).id} QUER 10.0.0.9:1 key 3`,
      ],
      'no hearsay: key-heard.txt is not answered',
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
    router.acceptResponse(Buffer.from('my%20song.mp3 10.0.0.5:1'), '10.0.0.5:40000');
    router.acceptResponse(Buffer.from('my%20song.mp3 10.0.0.5:1'), '10.0.0.5:40001');
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
    router.acceptResponse(Buffer.from('.. 10.0.0.5:1'), 'x');
    router.acceptResponse(Buffer.from('../etc 10.0.0.5:1'), 'x');
    router.acceptResponse(Buffer.from('one-field'), 'x');
    router.acceptResponse(Buffer.from(`mine.txt ${SELF}`), 'x');
    assert.deepEqual(files.entries(), []);
    assert.ok(log.has(/ignored RESP from x/));
  });

  test('QUER beyond the per-peer rate is acknowledged but not processed', async () => {
    const {router, deferred, log} = makeRouter([], {
      limits: {queriesPerPeerPerMinute: 100},
    });
    const acks = new RecordingReply();
    for (let index = 0; index < 50; index++) {
      await router.answerQuery(
        Buffer.from(`10.0.0.9:1 k${index} 2`),
        acks,
        '10.0.0.66:4000',
      );
    }
    await router.answerQuery(Buffer.from('10.0.0.9:1 other 2'), acks, '10.0.0.67:4000');
    assert.equal(acks.frames.length, 51, 'every query acknowledged, as the original');
    assert.equal(deferred.length, 10 + 1, 'a burst of a tenth, and the other peer');
    assert.ok(log.has(/^limit queries-per-peer hit by 10\.0\.0\.66:4000/));
  });

  test('a key over the limit is acknowledged, neither matched nor forwarded', async () => {
    const {router, deferred, log} = makeRouter([peer(1)], {limits: {maxKeyBytes: 8}});
    const acks = new RecordingReply();
    await router.answerQuery(
      Buffer.from(`10.0.0.9:1 ${'k'.repeat(9)} 2`),
      acks,
      '10.0.0.66:1',
    );
    await router.answerQuery(
      Buffer.from(`10.0.0.9:1 ${'k'.repeat(8)} 2`),
      acks,
      '10.0.0.66:1',
    );
    assert.equal(acks.frames.length, 2);
    assert.equal(deferred.length, 1);
    assert.ok(log.has(/^limit query-key-bytes hit by/));
  });

  test('RESPs to one return address share one budget, whoever asks', async () => {
    const {router, network, files, log} = makeRouter([], {
      limits: {
        responsesPerReturnAddressPerMinute: 50,
        maxResponsesPerQuery: 3,
        repeatWindowMs: 0,
      },
    });
    for (let index = 0; index < 4; index++) files.share(`f${index}`, `/s/f${index}`, 1);
    network.set('10.0.0.9:1', () => []);
    for (let index = 0; index < 4; index++) await router.processQuery(query('f', 2));
    assert.equal(network.sentOf(MessageType.response).length, 5, 'the burst: 50 / 10');
    assert.ok(log.has(/^limit responses-per-return-address hit by 10\.0\.0\.9:1/));
    assert.ok(log.has(/^limit query-responses hit by 10\.0\.0\.9:1: answered 3/));
  });

  test('RESP beyond the per-peer rate is dropped', () => {
    const {router, files, log} = makeRouter([], {
      limits: {responsesPerPeerPerMinute: 100},
    });
    for (let index = 0; index < 50; index++) {
      router.acceptResponse(Buffer.from(`f${index} 10.0.0.5:1`), '10.0.0.66:4000');
    }
    assert.equal(files.entries().length, 10);
    assert.ok(log.has(/^limit responses-per-peer hit by 10\.0\.0\.66:4000/));
  });

  test('results of the own searches are kept over a flood of unasked RESPs', async () => {
    const {router, files} = makeRouter([], {limits: {responsesPerPeerPerMinute: 1e9}});
    await router.search('wanted');
    router.acceptResponse(Buffer.from('wanted-1 10.0.0.5:1'), '10.0.0.5:4000');
    for (let index = 0; index < 3_000; index++) {
      router.acceptResponse(Buffer.from(`forged${index} 10.0.0.66:1`), '10.0.0.66:4000');
    }
    router.acceptResponse(Buffer.from('wanted-2 10.0.0.5:1'), '10.0.0.5:4001');
    assert.ok(files.entry('wanted-1'));
    assert.ok(files.entry('wanted-2'));
    assert.deepEqual(files.catalog.remoteCounts(), {search: 2, unsolicited: 2_000});
  });

  test('compatible mode: the first match of the whole table, no forward, no memory', async () => {
    const {router, network, files} = makeRouter([peer(1)], {mode: 'compatible'});
    files.addRemote('key-heard.txt', 'key-heard.txt', '10.0.0.7:1');
    files.share('key.txt', '/tmp/key.txt', 3);
    network.set('10.0.0.9:1', () => []);
    await router.processQuery(query('key', 4));
    await router.processQuery(query('key', 4));
    await router.processQuery(query('none', 4));
    assert.deepEqual(
      network.sent.map((sent) => `${sent.to} ${sent.type} ${sent.data}`),
      [
        '10.0.0.9:1 RESP key-heard.txt 10.0.0.7:1',
        '10.0.0.9:1 RESP key-heard.txt 10.0.0.7:1',
        `${peer(1).id} QUER 10.0.0.9:1 none 3`,
      ],
    );
  });
});
