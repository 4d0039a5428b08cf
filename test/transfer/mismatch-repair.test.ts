/**
 * A whole file that fails its SHA-256 is not thrown away at once: the
 * sources' chunk hashes (FSUM) show which chunks are wrong, only those are
 * fetched again (from a source whose file holds the right bytes), and the
 * source that sent them is named. Also the pure planning rule.
 */
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {test} from 'node:test';
import type {FilerNode} from '../../source/node/filer-node.js';
import {askFileInfo} from '../../source/node/transfer/file-info-client.js';
import {LOOPBACK} from '../support/raw-client.js';
import {eventually} from '../support/eventually.js';
import {SUM_CHUNK} from '../../source/node/transfer/kept-bytes-check.js';
import {
  ChunkComparison,
  chunkRanges,
  type ChunkSenders,
} from '../../source/node/transfer/mismatch-repair.js';
import {MiB, recordEvents, sha256File, testNetwork} from '../support/network.js';
import {sha256Of, startRangePeer, tellOwner} from './range-peer.js';

const SHORT = {timeout: 60_000};

test(
  'a source with a bad chunk among good ones: only that chunk travels again, and the source is named',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const b = await network.startNode();
    const content = randomBytes(20 * MiB + 5);
    const spoiled = Buffer.from(content);
    spoiled[MiB + 3] = (content[MiB + 3] as number) ^ 0xff;
    const announced = sha256Of(content);
    // The bad source is learned first, so it takes the first piece, [0, 8 MiB):
    // chunk [0, 4 MiB) is always its (a piece is split only in its second half).
    const bad = await startRangePeer(network, {
      content: spoiled,
      sha256: announced,
      sums: true,
    });
    const goods = [
      await startRangePeer(network, {content, sums: true}),
      await startRangePeer(network, {content, sums: true}),
    ];
    for (const source of [bad, ...goods]) await tellOwner(b, 'spot.bin', source.id);
    const logs = recordEvents(b, 'log');
    // Requests up to the repair's log line are the first pass's.
    let firstPass: number[] | undefined;
    b.on('log', (entry) => {
      if (entry.message.includes('does not match its SHA-256')) {
        firstPass ??= [bad, ...goods].map((source) => source.rangeRequests().length);
      }
    });

    const transfer = await b.fetch('spot.bin');

    assert.equal(transfer.verified, true);
    assert.equal(await sha256File(transfer.path as string), announced);
    const [badBefore, ...goodsBefore] = firstPass ?? [];
    assert.deepEqual(
      bad.rangeRequests().slice(badBefore),
      [],
      'the bad source is not asked again',
    );
    const again = goods.flatMap((good, index) =>
      good.rangeRequests().slice(goodsBefore[index]),
    );
    assert.ok(again.length > 0);
    // Two good sources may share the chunk (one takes over the other's second half).
    for (const [offset, length] of again) {
      assert.ok(
        offset + length <= SUM_CHUNK,
        `only the bad chunk travels again: ${offset} ${length}`,
      );
    }
    assert.ok(again.some(([offset]) => offset === 0));
    const lines = logs.map(([entry]) => entry.message);
    const repair = lines.find((line) => line.includes('does not match its SHA-256'));
    assert.equal(
      repair,
      `spot.bin: does not match its SHA-256; 1 chunk(s) (${SUM_CHUNK} bytes) sent by ${bad.id} differ from the file of ${goods[0]?.id}, ${goods[1]?.id}; fetching them again from there`,
    );
    assert.ok(
      lines.includes(`spot.bin: verified after fetching ${SUM_CHUNK} bytes again`),
    );
    assert.deepEqual(await fs.readdir(b.downloadDir), ['spot.bin']);
  },
);

test(
  'bit rot on a sharing disk (same mtime, old hash cached): only the rotten chunk comes again, from the sound node',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const [rotten, sound, b] = (await network.startNodes(3)) as [
      FilerNode,
      FilerNode,
      FilerNode,
    ];
    const content = randomBytes(10 * MiB + 7);
    const WHOLE_SECOND = 1_700_000_000;
    const files = await Promise.all(
      [rotten, sound].map(async (node) => {
        const file = path.join(await network.tempDir('share'), 'disk.img');
        await fs.writeFile(file, content);
        // A whole second: utimes can set it back exactly.
        await fs.utimes(file, WHOLE_SECOND, WHOLE_SECOND);
        await node.addShare(file);
        return file;
      }),
    );
    for (const node of [rotten, sound]) {
      const address = {host: LOOPBACK, port: node.port};
      await eventually(async () => {
        const answer = await askFileInfo(address, Buffer.from('disk.img'), {});
        return answer.kind === 'info' && answer.info.sha256 === sha256Of(content);
      }, `${node.id} to hash its copy`);
    }
    // One byte of the rotten node's copy flips; its mtime stays, so its hash cache still says the old hash.
    const rottenFile = files[0] as string;
    const handle = await fs.open(rottenFile, 'r+');
    await handle.write(Buffer.from([(content[2 * MiB] as number) ^ 1]), 0, 1, 2 * MiB);
    await handle.close();
    await fs.utimes(rottenFile, WHOLE_SECOND, WHOLE_SECOND);
    await tellOwner(b, 'disk.img', rotten.id);
    await tellOwner(b, 'disk.img', sound.id);
    const logs = recordEvents(b, 'log');

    const transfer = await b.fetch('disk.img');

    assert.equal(transfer.verified, true);
    assert.equal(await sha256File(transfer.path as string), sha256Of(content));
    const lines = logs.map(([entry]) => entry.message);
    assert.ok(
      lines.includes(
        `disk.img: does not match its SHA-256; 1 chunk(s) (${SUM_CHUNK} bytes) sent by ${rotten.id} differ from the file of ${sound.id}; fetching them again from there`,
      ),
      lines.join('\n'),
    );
  },
);

test(
  'two sources that each sent a bad chunk: the one tried first fails the check, the other repairs',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const b = await network.startNode();
    const content = randomBytes(20 * MiB + 5);
    const announced = sha256Of(content);
    // The rotten copy differs in chunks 0 and 3.
    const rottenContent = Buffer.from(content);
    for (const at of [MiB, 13 * MiB]) rottenContent[at] = (content[at] as number) ^ 1;
    let repairing = false;
    const rotten = await startRangePeer(network, {
      content: rottenContent,
      sha256: announced,
      sums: true,
      // Its first range only, then nothing until the repair asks.
      answer: (index) => (index === 0 || repairing ? 'serve' : 'reset'),
    });
    await tellOwner(b, 'two.bin', rotten.id);
    await assert.rejects(b.fetch('two.bin'));
    // Kept: [0, 8 MiB) from the rotten source, with its bad chunk 0; its own FSUM
    // vouches for it. The rest comes from the sound source: chunk 3 is sound here.
    const sound = await startRangePeer(network, {content, sums: true});
    await tellOwner(b, 'two.bin', sound.id);
    const logs = recordEvents(b, 'log');
    let soundBefore = 0;
    b.on('log', (entry) => {
      if (!repairing && entry.message.includes('does not match its SHA-256')) {
        repairing = true;
        soundBefore = sound.rangeRequests().length;
      }
    });

    const transfer = await b.fetch('two.bin');

    assert.equal(transfer.verified, true);
    assert.equal(transfer.resumedBytes, 8 * MiB);
    assert.equal(await sha256File(transfer.path as string), announced);
    const tries = logs
      .map(([entry]) => entry.message)
      .filter((line) => line.includes('does not match its SHA-256'));
    // Nothing tells the two apart: the first (rotten) is tried first and fails.
    assert.deepEqual(tries, [
      `two.bin: does not match its SHA-256; 1 chunk(s) (${SUM_CHUNK} bytes) sent by ${sound.id} differ from the file of ${rotten.id}; fetching them again from there`,
      `two.bin: does not match its SHA-256; 2 chunk(s) (${2 * SUM_CHUNK} bytes) sent by the kept part, ${rotten.id} differ from the file of ${sound.id}; fetching them again from there`,
    ]);
    assert.deepEqual(
      sound.rangeRequests().slice(soundBefore),
      [
        [0, SUM_CHUNK],
        [3 * SUM_CHUNK, SUM_CHUNK],
      ],
      'the second try fetched only the two bad chunks',
    );
  },
);

test(
  'when every source holds the bytes received, the mismatch stands and the data is thrown away',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const b = await network.startNode();
    const liar = await startRangePeer(network, {
      content: randomBytes(5 * MiB),
      sha256: sha256Of(Buffer.from('something else')),
      sums: true,
    });
    await tellOwner(b, 'lie.bin', liar.id);
    const logs = recordEvents(b, 'log');
    await assert.rejects(
      b.fetch('lie.bin'),
      /does not match its announced SHA-256; the data was thrown away/,
    );
    assert.ok(
      logs.some(([entry]) =>
        entry.message.includes("the sources' chunk hashes show no other bytes to try"),
      ),
    );
    assert.deepEqual(await fs.readdir(b.downloadDir), []);
  },
);

const [P, W, X, Y, Z] = ['p', 'w', 'x', 'y', 'z'].map((letter) => letter.repeat(64)) as [
  string,
  string,
  string,
  string,
  string,
];

/** The plans for one span of hashes from chunk 0. */
function planRepairs(
  ours: readonly string[],
  theirs: ReadonlyMap<string, readonly string[]>,
  sentBy: ChunkSenders,
) {
  const comparison = new ChunkComparison(100);
  comparison.add(0, ours, theirs);
  return comparison.plans(sentBy);
}

test('planRepairs: a bad source is outvoted, and its file is never the one asked', () => {
  // Chunk 1 came from A, whose file holds those (wrong) bytes; B and C differ.
  const plans = planRepairs(
    [X, Y, X],
    new Map([
      ['A', [X, Y, X]],
      ['B', [X, Z, X]],
      ['C', [X, Z, X]],
    ]),
    (chunk) => (chunk === 1 ? ['A'] : ['B']),
  );
  assert.deepEqual(plans, [
    {chunks: [1], from: ['B', 'C'], senders: ['A']},
    {chunks: [1], from: ['C', 'B'], senders: ['A']},
  ]);
});

test('planRepairs: agreement with the others counts before fewer chunks', () => {
  // Chunk 0 was spoilt on the way from C, chunk 1 is A's rotten one. A differs
  // from ours in one chunk only, but B and C agree with each other everywhere.
  const plans = planRepairs(
    [P, W, X],
    new Map([
      ['A', [X, W, X]],
      ['B', [X, Y, X]],
      ['C', [X, Y, X]],
    ]),
    (chunk) => (chunk === 0 ? ['C'] : ['A']),
  );
  assert.deepEqual(plans[0], {chunks: [0, 1], from: ['B', 'C'], senders: ['C', 'A']});
  assert.deepEqual(plans[2], {chunks: [0], from: ['A', 'B', 'C'], senders: ['C']});
});

test('planRepairs: bytes spoilt on the way may come again from their sender', () => {
  assert.deepEqual(
    planRepairs([X, Y], new Map([['A', [X, Z]]]), () => ['A']),
    [{chunks: [1], from: ['A'], senders: ['A']}],
  );
});

test("planRepairs: two sources, each the other's suspect: both are candidates", () => {
  // R sent chunk 0 (rotten in its file), S sent chunk 1 (where R's file is rotten too).
  const plans = planRepairs(
    [W, X],
    new Map([
      ['R', [W, P]],
      ['S', [X, X]],
    ]),
    (chunk) => (chunk === 0 ? ['R'] : ['S']),
  );
  assert.deepEqual(plans, [
    {chunks: [1], from: ['R'], senders: ['S']},
    {chunks: [0], from: ['S'], senders: ['R']},
  ]);
});

test('planRepairs: no candidate when no source differs from ours', () => {
  const kept = () => ['the kept part'];
  assert.deepEqual(planRepairs([X, Y], new Map(), kept), [], 'no sums at all');
  assert.deepEqual(
    planRepairs([X, Y], new Map([['A', [X, Y]]]), kept),
    [],
    'every source holds what we hold',
  );
});

test('ChunkComparison: spans add up; a dropped source is left out; a changed chunk counts', () => {
  const comparison = new ChunkComparison(100);
  const senders = () => ['S'];
  comparison.add(
    0,
    [X, X],
    new Map([
      ['A', [X, Y]],
      ['B', [X, X]],
      ['C', [X, Y]],
    ]),
  );
  comparison.add(
    2,
    [W],
    new Map([
      ['A', [X]],
      ['C', [X]],
    ]),
  ); // B gave no answer
  comparison.drop('B');
  assert.deepEqual(comparison.chunks(), [1, 2]);
  assert.deepEqual(comparison.plans(senders), [
    {chunks: [1, 2], from: ['A', 'C'], senders: ['S']},
    {chunks: [1, 2], from: ['C', 'A'], senders: ['S']},
  ]);
  // Chunk 1 fetched again from A: ours is now A's there.
  comparison.update(1, Y);
  assert.deepEqual(comparison.plans(senders)[0]?.chunks, [2]);
});

test('ChunkComparison: past max differing chunks it plans nothing', () => {
  const comparison = new ChunkComparison(2);
  comparison.add(0, [X, X, X], new Map([['A', [Y, Y, Y]]]));
  assert.equal(comparison.overflow, true);
  assert.deepEqual(
    comparison.plans(() => []),
    [],
  );
  assert.equal(comparison.chunks().length, 2, 'memory stays bounded');
});

test('chunkRanges merges neighbours and cuts the last chunk at the end', () => {
  assert.deepEqual(chunkRanges([0, 1, 3, 4], 10, 45), [
    [0, 20],
    [30, 45],
  ]);
  assert.deepEqual(chunkRanges([], 10, 45), []);
});
