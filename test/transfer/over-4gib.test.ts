/**
 * A file over 4 GiB between two nodes: the real CLI shares a sparse
 * 4 GiB + 3 MiB file whose data sits at the start, across the 2^32 boundary
 * and at the end; a node fetches it in ranges (one FGET frame could not
 * carry it), verifies it against the source's SHA-256, and the holes stay
 * holes on the receiving disk (zero batches into a fresh part are not
 * written), so the test writes only a few MiB whatever the file's size.
 */
import assert from 'node:assert/strict';
import {randomBytes} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {test} from 'node:test';
import {askFileInfo} from '../../source/node/transfer/file-info-client.js';
import {requestFrames} from '../../source/node/net/peer-client.js';
import {MessageType} from '../../source/protocol/messages.js';
import {startHeadless} from '../support/cli-process.js';
import {eventually} from '../support/eventually.js';
import {LOOPBACK, MiB, sha256File, testNetwork} from '../support/network.js';

const GiB = 1024 * MiB;
const SIZE = 4 * GiB + 3 * MiB + 7;
/** Where the file holds data; the rest is a hole. */
const DATA: Array<[offset: number, length: number]> = [
  [0, MiB],
  [4 * GiB - MiB / 2, MiB],
  [SIZE - MiB - 7, MiB + 7],
];

test(
  'a sparse file over 4 GiB travels between two nodes, verified and still sparse',
  {timeout: 240_000},
  async (t) => {
    const network = testNetwork(t);
    const file = path.join(await network.tempDir('big-share'), 'huge.img');
    const blocks = DATA.map(([offset, length]) => ({offset, bytes: randomBytes(length)}));
    const source = await fs.open(file, 'w');
    await source.truncate(SIZE);
    for (const {offset, bytes} of blocks)
      await source.write(bytes, 0, bytes.length, offset);
    await source.close();
    const expected = await sha256File(file);

    const cli = startHeadless(t, ['0', '5', '--share', file]);
    const id = await cli.waitForListening(15_000);
    const address = {host: LOOPBACK, port: Number(id.split(':')[1])};
    await cli.waitForRecord(
      (record) => record.event === 'log' && /sharing 1 file/.test(String(record.message)),
    );
    await eventually(
      async () => {
        const answer = await askFileInfo(address, Buffer.from('huge.img'), {});
        return answer.kind === 'info' && answer.info.sha256 !== undefined;
      },
      'the source has hashed huge.img',
      {timeoutMs: 120_000, intervalMs: 100},
    );

    const fetcher = await network.startNode();
    await requestFrames(
      {host: LOOPBACK, port: fetcher.port},
      MessageType.response,
      `huge.img ${id}`,
    );
    const transfer = await fetcher.fetch('huge.img');
    assert.equal(transfer.verified, true);
    assert.equal(transfer.sha256, expected);
    assert.equal(transfer.total, SIZE);

    const received = await fs.open(transfer.path as string, 'r');
    try {
      const stat = await received.stat();
      assert.equal(stat.size, SIZE);
      for (const {offset, bytes} of blocks) {
        const copy = Buffer.alloc(bytes.length);
        await received.read(copy, 0, copy.length, offset);
        assert.ok(copy.equals(bytes), `the data at ${offset} arrived intact`);
      }
      const sourceStat = await fs.stat(file);
      if (sourceStat.blocks * 512 < SIZE / 2) {
        // This file system keeps holes: the copy must not fill them in.
        assert.ok(
          stat.blocks * 512 < 64 * MiB,
          `${stat.blocks * 512} bytes allocated for the copy`,
        );
      }
    } finally {
      await received.close();
    }
  },
);
