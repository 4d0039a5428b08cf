/**
 * The probe of a fetch's sources alone (FINF), against fake peers on
 * loopback: which group of sources a ranged fetch uses, which sources are
 * left for plain FGET, which are gone, and the cap on sources asked at once.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {PeerUnreachableError} from '../../source/protocol/errors.js';
import type {Source} from '../../source/node/transfer/fetch-file.js';
import {
  askHashAgain,
  chooseGroup,
  probeSources,
} from '../../source/node/transfer/source-probe.js';
import {testNetwork, type TestNetwork} from '../support/network.js';
import {LOOPBACK, rawFrame} from '../support/raw-client.js';
import {deadSource} from './range-peer.js';

const NAME = 'probe.bin';
const HASH = 'ab'.repeat(32);
const OTHER_HASH = 'cd'.repeat(32);

type Probed = Source & {asked: () => number};

/** A filer-tui source answering FINF with `answer` ("<size> <sha256 or ->"). */
async function infoSource(network: TestNetwork, answer: string): Promise<Probed> {
  const peer = await network.startFakePeer({
    onRequest: (request, socket) =>
      void (request.type === 'FINF'
        ? socket.end(rawFrame('REPL', answer))
        : socket.end()),
  });
  return asSource(peer);
}

/** A peer of the original protocol: it closes on FINF without a byte. */
async function originalSource(network: TestNetwork): Promise<Probed> {
  return asSource(await network.startFakePeer());
}

function asSource(peer: {id: string; port: number; requests: Array<{type: string}>}) {
  return {
    id: peer.id,
    address: {host: LOOPBACK, port: peer.port},
    asked: () => peer.requests.filter((request) => request.type === 'FINF').length,
  };
}

function probe(sources: Source[], signal = new AbortController().signal) {
  const gone: string[] = [];
  const lines: string[] = [];
  const outcome = probeSources(
    {
      sources,
      wireName: Buffer.from(NAME),
      signal,
      onSourceGone: (id) => gone.push(id),
    },
    {log: (_level, line) => lines.push(line), requestOptions: {}},
  );
  return {outcome, gone, lines};
}

const ids = (sources: readonly Source[]) => sources.map((source) => source.id);

test('chooseGroup: a known hash first, then the most sources, then the first learned', () => {
  const source = (id: string): Source => ({id, address: {host: LOOPBACK, port: 1}});
  const info = (size: number, sha256?: string) => ({size, sha256});
  const group = (entries: Array<[string, ReturnType<typeof info>]>) => {
    const chosen = chooseGroup(entries.map(([id, i]) => ({source: source(id), info: i})));
    return chosen && {info: chosen.info, sources: ids(chosen.sources)};
  };
  assert.equal(group([]), undefined);
  assert.deepEqual(
    group([
      ['a', info(10)],
      ['b', info(10)],
      ['c', info(10, HASH)],
    ]),
    {info: info(10, HASH), sources: ['c']},
    'a hash to check against beats more sources without one',
  );
  assert.deepEqual(
    group([
      ['a', info(10, OTHER_HASH)],
      ['b', info(10, HASH)],
      ['c', info(10, HASH)],
    ]),
    {info: info(10, HASH), sources: ['b', 'c']},
  );
  assert.deepEqual(
    group([
      ['a', info(11, HASH)],
      ['b', info(10, HASH)],
    ]),
    {info: info(11, HASH), sources: ['a']},
    'the same hash with another size is other content; a tie goes to the first',
  );
  assert.deepEqual(
    group([
      ['a', info(10)],
      ['b', info(12)],
      ['c', info(12)],
    ]),
    {info: info(12, undefined), sources: ['b', 'c']},
  );
});

test('the sources that agree are fetched from; an unreachable one is gone', async (t) => {
  const network = testNetwork(t);
  const dead = await deadSource();
  const original = await originalSource(network);
  const liar = await infoSource(network, `100 ${OTHER_HASH}`);
  const first = await infoSource(network, `100 ${HASH}`);
  const second = await infoSource(network, `100 ${HASH}`);
  const {outcome, gone} = probe([dead, original, liar, first, second]);
  const result = await outcome;
  assert.ok('group' in result);
  assert.deepEqual(result.group.info, {size: 100, sha256: HASH});
  assert.deepEqual(ids(result.group.sources), [first.id, second.id]);
  assert.deepEqual(gone, [dead.id]);
  for (const source of [original, liar, first, second]) assert.equal(source.asked(), 1);
});

test('no source speaks FINF: the reachable ones are left for plain FGET, in order', async (t) => {
  const network = testNetwork(t);
  const dead = await deadSource();
  const [one, two] = [await originalSource(network), await originalSource(network)];
  const {outcome, gone} = probe([one, dead, two]);
  assert.deepEqual(await outcome, {plain: [one, two]});
  assert.deepEqual(gone, [dead.id]);
});

test('no source reachable: the first reason, and every one is gone', async () => {
  const dead = [await deadSource(), await deadSource()];
  const {outcome, gone} = probe(dead);
  await assert.rejects(outcome, PeerUnreachableError);
  assert.deepEqual(gone, ids(dead));
});

test('past fetch-probed-owners sources, the rest are not asked, only kept for plain FGET, and one line says so', async (t) => {
  const network = testNetwork(t);
  const sources: Probed[] = [];
  for (let index = 0; index < 10; index++) sources.push(await originalSource(network));
  const {outcome, lines} = probe(sources);
  const result = await outcome;
  assert.deepEqual(
    sources.map((source) => source.asked()),
    [1, 1, 1, 1, 1, 1, 1, 1, 0, 0],
  );
  assert.ok('plain' in result);
  assert.deepEqual(ids(result.plain), ids(sources));
  assert.deepEqual(lines, [
    `limit fetch-probed-owners hit by this node: 10 owners of ${NAME}, FINF asked of 8`,
  ]);
});

/** The hash asked again at the end of a fetch of `size` bytes. */
function askAgain(sources: Source[], size = 100, signal = new AbortController().signal) {
  const lines: string[] = [];
  const hash = askHashAgain(
    sources,
    {name: NAME, wireName: Buffer.from(NAME), size},
    {log: (_level, line) => lines.push(line), requestOptions: {}},
    signal,
  );
  return {hash, lines};
}

test('asked again at the end, the first source that now knows the hash of this size tells it', async (t) => {
  const network = testNetwork(t);
  const before = [
    await deadSource(),
    await originalSource(network),
    await infoSource(network, '100 -'),
    await infoSource(network, `99 ${OTHER_HASH}`),
  ];
  const knowing = await infoSource(network, `100 ${HASH}`);
  const after = await infoSource(network, `100 ${OTHER_HASH}`);
  const {hash, lines} = askAgain([...before, knowing, after]);
  assert.equal(await hash, HASH);
  assert.equal(knowing.asked(), 1);
  assert.equal(after.asked(), 0, 'not asked once one told');
  assert.deepEqual(lines, []);

  const nobody = askAgain(before);
  assert.equal(await nobody.hash, undefined);
  assert.deepEqual(nobody.lines, [`${NAME}: no source knew its hash; not verified`]);
});

test(
  'a cancel while a source keeps silent on FINF ends the probe, or the hash asked again, at once',
  // Without it each waited for the reply timeout (15 s by default).
  {timeout: 5_000},
  async (t) => {
    const network = testNetwork(t);
    const knowing = await infoSource(network, `100 ${HASH}`);
    for (const phase of ['probe', 'hash asked again'] as const) {
      const silent = await network.startFakePeer({onRequest: () => undefined});
      const controller = new AbortController();
      const sources = [asSource(silent), knowing];
      const asking =
        phase === 'probe'
          ? probe(sources, controller.signal).outcome
          : askAgain(sources, 100, controller.signal).hash;
      await silent.nextRequest();
      const reason = new Error(`${phase} cancelled by the user`);
      controller.abort(reason);
      await assert.rejects(asking, (error) => error === reason);
    }
    // The probe asks every source at once; asked again, the next one is not.
    assert.equal(knowing.asked(), 1);
  },
);
