/**
 * Resume checks the kept bytes before building on them: a source hashes the
 * same 4 MiB chunks of its file (FSUM), and only a chunk that differs is
 * fetched again. Also the FSUM server's refusals and the pure helpers.
 */
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {test} from 'node:test';
import type {FilerNode} from '../../source/node/filer-node.js';
import {requestFrames} from '../../source/node/net/peer-client.js';
import {RangeSumServer, SUMS_BUSY} from '../../source/node/files/file-server.js';
import {subtractRanges} from '../../source/node/transfer/byte-ranges.js';
import {
  askRangeSums,
  planSumRequests,
  SUM_CHUNK,
} from '../../source/node/transfer/kept-bytes-check.js';
import {
  formatSumsRequest,
  parseSums,
  parseSumsRequest,
  TransferMessageType,
} from '../../source/protocol/transfer-messages.js';
import {LOOPBACK} from '../support/raw-client.js';
import {MiB, recordEvents, sha256File, testNetwork} from '../support/network.js';
import {sha256Of, startRangePeer, tellOwner} from './range-peer.js';

const SHORT = {timeout: 60_000};

test(
  'a corrupted kept chunk is found before resuming and fetched again alone',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const content = randomBytes(20 * MiB + 5);
    // First fetch: a source that dies after 12 MiB leaves a part and its state.
    const cutter = await startRangePeer(network, {
      content,
      // Ranges of 8 MiB: the first whole, the second cut after 4 MiB.
      answer: (index) =>
        index === 0 ? 'serve' : index === 1 ? {cutAfter: 4 * MiB} : 'reset',
    });
    const [a, b] = (await network.startNodes(2)) as [FilerNode, FilerNode];
    await tellOwner(b, 'kept.bin', cutter.id);
    await assert.rejects(b.fetch('kept.bin'));
    const part = path.join(b.downloadDir, 'kept.bin.part');
    const state = JSON.parse(await fs.readFile(`${part}.state`, 'utf8')) as {
      done: unknown;
    };
    assert.deepEqual(state.done, [[0, 12 * MiB]]);

    // The disk spoils one kept byte, in the chunk [4 MiB, 8 MiB).
    const handle = await fs.open(part, 'r+');
    await handle.write(Buffer.from([content[6 * MiB + 1]! ^ 0xff]), 0, 1, 6 * MiB + 1);
    await handle.close();

    // Second fetch, from a real node that shares the same content.
    const file = path.join(await network.tempDir('share'), 'kept.bin');
    await fs.writeFile(file, content);
    await a.addShare(file);
    await cutter.close();
    await tellOwner(b, 'kept.bin', a.id);
    const logs = recordEvents(b, 'log');
    const transfer = await b.fetch('kept.bin');
    assert.equal(transfer.verified, true);
    assert.equal(
      transfer.resumedBytes,
      8 * MiB,
      'the bad chunk was dropped, the rest kept',
    );
    assert.equal(await sha256File(transfer.path as string), sha256Of(content));
    const lines = logs.map(([entry]) => entry.message);
    assert.ok(
      lines.some((line) =>
        /kept\.bin: 4194304 of 12582912 kept bytes \(1 chunk\(s\)\) differ from /.test(
          line,
        ),
      ),
      lines.join('\n'),
    );
  },
);

test('kept bytes that match are resumed after the check says so', SHORT, async (t) => {
  const network = testNetwork(t);
  const content = randomBytes(9 * MiB);
  const cutter = await startRangePeer(network, {
    content,
    answer: (index) => (index === 0 ? {cutAfter: 5 * MiB} : 'reset'),
  });
  const [a, b] = (await network.startNodes(2)) as [FilerNode, FilerNode];
  await tellOwner(b, 'fine.bin', cutter.id);
  await assert.rejects(b.fetch('fine.bin'));
  const file = path.join(await network.tempDir('share'), 'fine.bin');
  await fs.writeFile(file, content);
  await a.addShare(file);
  await cutter.close();
  await tellOwner(b, 'fine.bin', a.id);
  const logs = recordEvents(b, 'log');
  const transfer = await b.fetch('fine.bin');
  assert.equal(transfer.resumedBytes, 5 * MiB);
  assert.equal(await sha256File(transfer.path as string), sha256Of(content));
  assert.ok(
    logs.some(([entry]) => entry.message.includes('the 5242880 kept bytes match')),
  );
});

test(
  'FSUM answers the chunk hashes of a shared file, and refuses bad asks',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const a = await network.startNode();
    const content = randomBytes(10 * MiB + 1);
    const file = path.join(await network.tempDir('share'), 'sums.bin');
    await fs.writeFile(file, content);
    await a.addShare(file);
    const address = {host: LOOPBACK, port: a.port};
    const sums = await askRangeSums(
      address,
      Buffer.from('sums.bin'),
      [MiB, 10 * MiB + 1],
      4 * MiB,
      {},
    );
    assert.deepEqual(sums, [
      sha256Of(content.subarray(MiB, 5 * MiB)),
      sha256Of(content.subarray(5 * MiB, 9 * MiB)),
      sha256Of(content.subarray(9 * MiB)),
    ]);
    const ask = async (data: Buffer) => {
      const [reply] = await requestFrames(address, TransferMessageType.rangeSums, data);
      return `${reply?.type} ${reply?.data.toString('utf8')}`;
    };
    const name = Buffer.from('sums.bin');
    assert.match(
      await ask(
        formatSumsRequest({offset: 0, length: 11 * MiB, chunk: MiB, wireName: name}),
      ),
      /^ERRO Range: beyond the end/,
    );
    assert.match(
      await ask(formatSumsRequest({offset: 0, length: 300, chunk: 1, wireName: name})),
      /^ERRO Sums: incorrect arguments/,
    );
    assert.match(
      await ask(Buffer.from('x y z sums.bin')),
      /^ERRO Sums: incorrect arguments/,
    );
    assert.match(
      await ask(
        formatSumsRequest({
          offset: 0,
          length: 1,
          chunk: 1,
          wireName: Buffer.from('../etc/passwd'),
        }),
      ),
      /^ERRO File not found/,
    );
  },
);

test('FSUM beyond range-sum-jobs at once is answered Busy', async () => {
  let release: (() => void) | undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const sent: string[] = [];
  const catalog = {
    localShare: () => ({path: '/nonexistent'}),
  } as unknown as ConstructorParameters<typeof RangeSumServer>[0];
  const server = new RangeSumServer(catalog, () => undefined, 1);
  const slow = {
    send: async (type: string, text: string) => {
      await gate;
      sent.push(`${type} ${text}`);
    },
  } as unknown as Parameters<RangeSumServer['answer']>[1];
  const fast = {
    send: async (type: string, text: string) => void sent.push(`${type} ${text}`),
  } as unknown as Parameters<RangeSumServer['answer']>[1];
  const data = formatSumsRequest({
    offset: 0,
    length: 1,
    chunk: 1,
    wireName: Buffer.from('x'),
  }).toString();
  const first = server.answer({data, remote: '127.0.0.1:1'}, slow);
  await server.answer({data, remote: '127.0.0.1:2'}, fast);
  assert.deepEqual(sent, [`ERRO ${SUMS_BUSY}`]);
  release?.();
  await first;
  assert.equal(sent.length, 2, 'the first one was answered too');
});

test('FSUM requests and replies parse only what they should', () => {
  assert.deepEqual(parseSumsRequest('4294967296 8388608 4194304 a b.iso'), {
    offset: 4294967296,
    length: 8388608,
    chunk: 4194304,
    wireName: 'a b.iso',
  });
  for (const bad of [
    '',
    '1 2 name',
    '0 0 1 n',
    '0 1 0 n',
    '-1 1 1 n',
    '0 257 1 n',
    '9007199254740991 1 1 n',
    '01 1 1 n',
  ]) {
    assert.throws(() => parseSumsRequest(bad), /FSUM/, bad);
  }
  const hash = 'a'.repeat(64);
  assert.deepEqual(parseSums(`${hash} ${hash}`, 2), [hash, hash]);
  for (const bad of [
    hash,
    `${hash} ${'A'.repeat(64)}`,
    `${hash}  ${hash}`,
    `${hash} ${hash} ${hash}`,
    '',
  ]) {
    assert.throws(() => parseSums(bad, 2), /FSUM reply/);
  }
});

test('kept ranges are asked for in spans of whole chunks; bad chunks are cut out', () => {
  const spans = planSumRequests([
    [0, 130 * MiB],
    [200 * MiB, 201 * MiB],
  ]);
  assert.deepEqual(spans, [
    [0, 32 * SUM_CHUNK],
    [32 * SUM_CHUNK, 130 * MiB],
    [200 * MiB, 201 * MiB],
  ]);
  assert.deepEqual(
    subtractRanges(
      [
        [0, 100],
        [200, 300],
      ],
      [
        [50, 60],
        [250, 400],
      ],
    ),
    [
      [0, 50],
      [60, 100],
      [200, 250],
    ],
  );
  assert.deepEqual(subtractRanges([[0, 10]], [[0, 10]]), []);
});
