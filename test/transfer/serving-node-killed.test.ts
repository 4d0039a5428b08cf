/**
 * A serving node (the real CLI, its own process) is killed with SIGKILL in
 * the middle of a fetch and started again on the same port with the same
 * share: the fetch keeps its part and state, and the next one sends only the
 * rest. A proxy in front of the server holds the bytes back once some have
 * passed, so the kill lands mid-transfer whatever the machine's speed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {test} from 'node:test';
import {askFileInfo} from '../../source/node/transfer/file-info-client.js';
import {requestFrames} from '../../source/node/net/peer-client.js';
import {MessageType} from '../../source/protocol/messages.js';
import {startHeadless} from '../support/cli-process.js';
import {eventually} from '../support/eventually.js';
import {
  LOOPBACK,
  MiB,
  sha256File,
  testNetwork,
  writeRandomFile,
} from '../support/network.js';

const SIZE = 40 * MiB + 17;
const HOLD_AFTER = 4 * MiB;

/**
 * Forwards connections to `target`. Counts the bytes that come back; once
 * `holdAfter` have passed (if set), stops reading from the server until
 * `release()`, and tells `held`.
 */
async function startProxy(target: () => number) {
  let holdAfter = Infinity;
  let forwarded = 0;
  let held: (() => void) | undefined;
  const upstreams = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target(), LOOPBACK);
    upstreams.add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      forwarded += chunk.length;
      if (!client.write(chunk)) upstream.pause();
      if (forwarded >= holdAfter && held) {
        upstream.pause();
        held();
        held = undefined;
      }
    });
    client.on('drain', () => forwarded < holdAfter && upstream.resume());
    upstream.on('end', () => client.end());
    upstream.on('close', () => upstreams.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    forwarded: () => forwarded,
    /** Resolves once `bytes` have come back and the server side is paused. */
    holdAfter(bytes: number): Promise<void> {
      holdAfter = bytes;
      return new Promise((resolve) => (held = resolve));
    },
    release(): void {
      holdAfter = Infinity;
      for (const upstream of upstreams) upstream.resume();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const upstream of upstreams) upstream.destroy();
        server.close(() => resolve());
      }),
  };
}

test(
  'a serving node killed mid-fetch and restarted on its port: only the rest travels',
  {timeout: 90_000},
  async (t) => {
    const network = testNetwork(t);
    const shareDir = await network.tempDir('served');
    const file = path.join(shareDir, 'big.bin');
    await writeRandomFile(file, SIZE);
    const expected = await sha256File(file);

    const startServer = async (port: number) => {
      const cli = startHeadless(t, [String(port), '5', '--share', file]);
      const id = await cli.waitForListening(15_000);
      const address = {host: LOOPBACK, port: Number(id.split(':')[1])};
      await cli.waitForRecord(
        (record) =>
          record.event === 'log' && /sharing 1 file/.test(String(record.message)),
      );
      return {cli, address};
    };
    const hashKnown = (address: {host: string; port: number}) =>
      eventually(
        async () => {
          const answer = await askFileInfo(address, Buffer.from('big.bin'), {});
          return answer.kind === 'info' && answer.info.sha256 !== undefined;
        },
        'the server knows the hash of big.bin',
        {timeoutMs: 20_000, intervalMs: 50},
      );

    const first = await startServer(0);
    const serverPort = first.address.port;
    await hashKnown(first.address);
    const proxy = await startProxy(() => serverPort);
    t.after(() => proxy.close());

    const fetcher = await network.startNode();
    await requestFrames(
      {host: LOOPBACK, port: fetcher.port},
      MessageType.response,
      `big.bin ${LOOPBACK}:${proxy.port}`,
    );

    // First attempt: held after HOLD_AFTER bytes, then the server is killed.
    const held = proxy.holdAfter(HOLD_AFTER);
    const attempt = fetcher.fetch('big.bin');
    attempt.catch(() => undefined);
    await held;
    assert.equal((await first.cli.kill()).signal, 'SIGKILL');
    proxy.release();
    await assert.rejects(attempt);
    const kept = (await fs.readdir(fetcher.downloadDir)).sort();
    assert.deepEqual(kept, ['big.bin.part', 'big.bin.part.state']);
    const state = JSON.parse(
      await fs.readFile(path.join(fetcher.downloadDir, 'big.bin.part.state'), 'utf8'),
    ) as {done: Array<[number, number]>};
    const keptBytes = state.done.reduce((sum, [start, end]) => sum + end - start, 0);
    assert.ok(keptBytes < SIZE, `the kill landed mid-transfer (${keptBytes} kept)`);

    // The same server again, on the same port, sharing the same file.
    const second = await startServer(serverPort);
    assert.equal(second.address.port, serverPort);
    const before = proxy.forwarded();
    const transfer = await fetcher.fetch('big.bin');
    const travelled = proxy.forwarded() - before;

    assert.equal(transfer.verified, true);
    const resumed = transfer.resumedBytes ?? 0;
    assert.ok(resumed > 0 && resumed < SIZE, `resumed from ${resumed}`);
    const rest = SIZE - resumed;
    // The rest, plus frame headers and the FINF and FSUM replies: never the kept part again.
    assert.ok(
      travelled >= rest && travelled < rest + 4_096,
      `${travelled} bytes travelled for the ${rest} missing`,
    );
    assert.equal(await sha256File(transfer.path as string), expected);
    assert.deepEqual(await fs.readdir(fetcher.downloadDir), ['big.bin']);
  },
);
