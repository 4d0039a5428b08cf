/**
 * Fetches between filer-tui peers on loopback: verified, resumed after a cut
 * or a restart (of the fetcher, or of a source not done rehashing), from
 * several sources at once, away from a dead source, and refused when the
 * content does not match or the disk is too small.
 */
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {test} from 'node:test';
import type {FilerNode} from '../../source/node/filer-node.js';
import {requestFrames} from '../../source/node/net/peer-client.js';
import {fetchFile, type FetchDeps} from '../../source/node/transfer/fetch-file.js';
import {writeAtPosition, type WriteAt} from '../../source/node/transfer/write-at.js';
import {LOOPBACK} from '../support/raw-client.js';
import {MiB, recordEvents, sha256File, testNetwork, waitFor} from '../support/network.js';
import {sha256Of, startRangePeer, type RangePlan, tellOwner} from './range-peer.js';

const SHORT = {timeout: 60_000};

test(
  "a fetch between two nodes is verified against the owner's SHA-256",
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const [a, b] = (await network.startNodes(2)) as [FilerNode, FilerNode];
    const file = path.join(await network.tempDir('share'), 'data.bin');
    const content = randomBytes(5 * MiB + 3);
    await fs.writeFile(file, content);
    await a.addShare(file);
    await tellOwner(b, 'data.bin', a.id);
    const transfer = await b.fetch('data.bin');
    assert.equal(transfer.verified, true);
    assert.equal(transfer.sha256, sha256Of(content));
    assert.equal(await sha256File(transfer.path as string), sha256Of(content));
    assert.deepEqual(await fs.readdir(b.downloadDir), ['data.bin']);
  },
);

test('other bytes than announced: one line, and nothing is kept', SHORT, async (t) => {
  const network = testNetwork(t);
  const b = await network.startNode();
  const liar = await startRangePeer(network, {
    content: randomBytes(3 * MiB),
    sha256: sha256Of(Buffer.from('something else')),
  });
  await tellOwner(b, 'lie.bin', liar.id);
  const logs = recordEvents(b, 'log');
  await assert.rejects(
    b.fetch('lie.bin'),
    /does not match its announced SHA-256; the data was thrown away/,
  );
  assert.deepEqual(await fs.readdir(b.downloadDir), []);
  // Without FSUM (an older filer-tui) nothing can show the bad chunks: as before.
  assert.ok(
    logs.some(([entry]) =>
      entry.message.includes(
        'lie.bin: does not match its SHA-256, and no source answers FSUM',
      ),
    ),
  );
});

test(
  'after the source dies mid-transfer, the next fetch sends only the rest',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const b = await network.startNode();
    const content = randomBytes(12 * MiB);
    let dead = true;
    const source = await startRangePeer(network, {
      content,
      // Dies twice after 5 MiB (the fetch gives the source up), then serves.
      answer: (index) =>
        dead && index < 2 ? (index === 0 ? {cutAfter: 5 * MiB} : 'reset') : 'serve',
    });
    await tellOwner(b, 'cut.bin', source.id);
    await assert.rejects(b.fetch('cut.bin'));
    const kept = await fs.readdir(b.downloadDir);
    assert.deepEqual(kept.sort(), ['cut.bin.part', 'cut.bin.part.state']);

    dead = false;
    const before = source.rangeRequests().length;
    const transfer = await b.fetch('cut.bin');
    assert.equal(transfer.verified, true);
    assert.equal(transfer.resumedBytes, 5 * MiB);
    const again = source.rangeRequests().slice(before);
    assert.deepEqual(again, [[5 * MiB, 7 * MiB]], 'only the rest travelled');
    assert.equal(await sha256File(transfer.path as string), sha256Of(content));
    assert.deepEqual(await fs.readdir(b.downloadDir), ['cut.bin']);
  },
);

test(
  'a source restarted and not done hashing again: the kept part is resumed and checked',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const b = await network.startNode();
    const content = randomBytes(12 * MiB);
    const plan: RangePlan = {
      content,
      answer: (index) =>
        index === 0 ? {cutAfter: 5 * MiB} : index === 1 ? 'reset' : 'serve',
    };
    const source = await startRangePeer(network, plan);
    await tellOwner(b, 'rehash.bin', source.id);
    await assert.rejects(b.fetch('rehash.bin'));

    plan.sha256 = '-'; // FINF answers `<size> -` until it has hashed the file again
    const before = source.rangeRequests().length;
    const transfer = await b.fetch('rehash.bin');
    assert.equal(transfer.resumedBytes, 5 * MiB);
    assert.equal(transfer.verified, true, 'checked against the hash in the state');
    assert.deepEqual(source.rangeRequests().slice(before), [[5 * MiB, 7 * MiB]]);
    assert.equal(await sha256File(transfer.path as string), sha256Of(content));
  },
);

test('a fetching node that restarts continues where it stopped', SHORT, async (t) => {
  const network = testNetwork(t);
  const downloadDir = await network.tempDir('downloads');
  const content = randomBytes(10 * MiB);
  const source = await startRangePeer(network, {
    content,
    answer: (index) => (index === 0 ? {cutAfter: 3 * MiB, then: 'stall'} : 'serve'),
  });
  const first = await network.startNode({downloadDir});
  await tellOwner(first, 'restart.bin', source.id);
  const started = first.startFetch('restart.bin');
  started.done.catch(() => undefined);
  await waitFor(first, 'transfer-progress', (transfer) => transfer.received >= 3 * MiB);
  await first.close();
  assert.deepEqual((await fs.readdir(downloadDir)).sort(), [
    'restart.bin.part',
    'restart.bin.part.state',
  ]);

  const second = await network.startNode({downloadDir});
  await tellOwner(second, 'restart.bin', source.id);
  const transfer = await second.fetch('restart.bin');
  assert.equal(transfer.resumedBytes, 3 * MiB);
  assert.equal(transfer.verified, true);
  assert.equal(await sha256File(transfer.path as string), sha256Of(content));
});

test(
  'three sources send ranges in parallel; a dead one is left behind',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const b = await network.startNode();
    const content = randomBytes(40 * MiB);
    const sources = [
      await startRangePeer(network, {content}),
      await startRangePeer(network, {content}),
      await startRangePeer(network, {content, answer: () => 'reset'}),
    ];
    for (const source of sources) await tellOwner(b, 'many.bin', source.id);
    const transfer = await b.fetch('many.bin');
    assert.equal(transfer.verified, true);
    assert.equal(await sha256File(transfer.path as string), sha256Of(content));
    const [first, second, dead] = sources.map((source) => source.rangeRequests());
    assert.ok(
      first && first.length > 0 && second && second.length > 0,
      'both live sources sent',
    );
    assert.ok(dead && dead.length <= 2, 'the dead source was given up');
    const sent = [...(first ?? []), ...(second ?? [])].reduce(
      (sum, [, length]) => sum + length,
      0,
    );
    assert.ok(sent >= content.length, 'every byte came from a live source');
  },
);

/** fetchFile itself, with a fake disk: how it behaves when this machine fails. */
function fetchWithDisk(
  source: {id: string; port: number},
  downloadDir: string,
  disk: Pick<FetchDeps, 'freeSpace' | 'writeAt'>,
) {
  return fetchFile(
    {
      sources: [{id: source.id, address: {host: LOOPBACK, port: source.port}}],
      wireName: Buffer.from('big.bin'),
      name: 'big.bin',
      signal: new AbortController().signal,
      onUpdate: () => undefined,
    },
    {
      downloadDir,
      connectTimeoutMs: 5_000,
      idleTimeoutMs: 5_000,
      requestOptions: {},
      log: () => undefined,
      now: Date.now,
      findLocal: async () => undefined,
      remember: () => undefined,
      ...disk,
    },
  );
}

test('not enough free space: one line before anything is written', SHORT, async (t) => {
  const network = testNetwork(t);
  const downloadDir = await network.tempDir('small-disk');
  const source = await startRangePeer(network, {content: randomBytes(2 * MiB)});
  await assert.rejects(fetchWithDisk(source, downloadDir, {freeSpace: async () => MiB}), {
    message: /^not enough free space in .*: 2097152 bytes to fetch, 1048576 free$/,
  });
  assert.deepEqual(await fs.readdir(downloadDir), []);
  assert.deepEqual(source.rangeRequests(), []);
});

test('a disk that fills up mid-fetch ends it at once, in one line', SHORT, async (t) => {
  const network = testNetwork(t);
  const downloadDir = await network.tempDir('full-disk');
  const source = await startRangePeer(network, {content: randomBytes(32 * MiB)});
  let writes = 0;
  const writeAt: WriteAt = async (fd, buffer, length, position) => {
    if (++writes > 3) throw Object.assign(new Error('ENOSPC'), {code: 'ENOSPC'});
    return writeAtPosition(fd, buffer, length, position);
  };
  await assert.rejects(fetchWithDisk(source, downloadDir, {writeAt}), (error: Error) => {
    assert.match(
      error.message,
      /^cannot write .*big\.bin\.part: no space left on the device$/,
    );
    return true;
  });
  assert.equal(source.rangeRequests().length, 1, 'not retried: the disk is ours');
  assert.ok(!(await fs.readdir(downloadDir)).includes('big.bin'));
});

test(
  'hashes of shares persist across a restart; ranges and FINF past 4 GiB',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const stateDir = await network.tempDir('state');
    const directory = await network.tempDir('share');
    const file = path.join(directory, 'notes.txt');
    await fs.writeFile(file, 'remember me');
    const ask = (node: FilerNode, type: string, data: string) =>
      requestFrames({host: LOOPBACK, port: node.port}, type, data).then((frames) =>
        frames.map((frame) => `${frame.type} ${frame.data.toString('latin1')}`),
      );
    const expected = `REPL 11 ${sha256Of(Buffer.from('remember me'))}`;

    // The cache file is the node's port's: the restart takes the same port.
    const port = await freeLoopbackPort();
    const first = await network.startNode({stateDir, port});
    await first.addShare(file);
    for (let reply = await ask(first, 'FINF', 'notes.txt'); reply[0] !== expected;) {
      await new Promise((resolve) => setImmediate(resolve));
      reply = await ask(first, 'FINF', 'notes.txt');
    }
    await first.close();
    const stored = await fs.readFile(path.join(stateDir, `hashes-${port}.json`), 'utf8');
    assert.ok(stored.includes(sha256Of(Buffer.from('remember me'))));

    const second = await network.startNode({stateDir, port});
    await second.addShare(file);
    assert.deepEqual(await ask(second, 'FINF', 'notes.txt'), [expected], 'known at once');

    // A sparse file over 4 GiB: FRNG reaches past 2^32, FGET says why it cannot.
    const huge = path.join(directory, 'huge.img');
    const handle = await fs.open(huge, 'w');
    await handle.truncate(5 * 2 ** 30);
    await handle.write('tail', 5 * 2 ** 30 - 4);
    await handle.close();
    await second.addShare(huge);
    assert.deepEqual(await ask(second, 'FRNG', `${5 * 2 ** 30 - 6} 6 huge.img`), [
      'REPL \0\0tail',
    ]);
    assert.deepEqual(await ask(second, 'FRNG', `${5 * 2 ** 30 - 6} 7 huge.img`), [
      `ERRO Range: beyond the end (${5 * 2 ** 30} bytes)`,
    ]);
    assert.match(
      (await ask(second, 'FGET', 'huge.img'))[0] ?? '',
      /^ERRO File too large for FGET/,
    );
    assert.match((await ask(second, 'FINF', 'huge.img'))[0] ?? '', /^REPL 5368709120 /);
  },
);

test('work moves from a slow source to a fast one', SHORT, async (t) => {
  const network = testNetwork(t);
  const b = await network.startNode();
  const content = randomBytes(16 * MiB);
  const fast = await startRangePeer(network, {content});
  // About 6 MB/s: alone it would need close to 3 s for its half.
  const slow = await startRangePeer(network, {
    content,
    answer: () => ({bytesPerTick: 64 * 1024}),
  });
  for (const source of [slow, fast]) await tellOwner(b, 'mixed.bin', source.id);
  const transfer = await b.fetch('mixed.bin');
  assert.equal(transfer.verified, true);
  assert.equal(await sha256File(transfer.path as string), sha256Of(content));
  const asked = (ranges: Array<[number, number]>) =>
    ranges.reduce((sum, [, length]) => sum + length, 0);
  assert.ok(slow.rangeRequests().length >= 1, 'the slow source was used');
  assert.ok(
    asked(fast.rangeRequests()) > 12 * MiB,
    `the fast source took over most of the file (${asked(fast.rangeRequests())} bytes asked)`,
  );
});

/** A port nothing listens on at the moment (closed again before it is used). */
async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const {port} = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
