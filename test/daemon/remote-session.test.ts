/**
 * A RemoteSession over the control socket of a real node on loopback sees
 * what FilerApp in-process sees: the same snapshot parts, the same events,
 * commands with the same outcomes, a transfer with its real progress; and
 * two attached sessions see the same state.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import {isDeepStrictEqual} from 'node:util';
import {test} from 'node:test';
import {FilerApp} from '../../source/app/filer-app.js';
import type {AppSnapshot} from '../../source/app/session.js';
import type {TransferInfo} from '../../source/node/types.js';
import {waitForAppEvent} from '../support/app-events.js';
import {eventually} from '../support/eventually.js';
import {MiB, testNetwork, writeRandomFile} from '../support/network.js';
import {attach, serve} from './daemon-kit.js';

const TIMEOUT = {timeout: 30_000};

/** What must be equal between two views of one node (the log differs by when each joined). */
function state(snapshot: AppSnapshot) {
  const {identity, peers, files, transfers, search, closed} = snapshot;
  return {identity, peers, files, transfers, search, closed};
}

test(
  'a remote session mirrors the app: peers, search, a fetch with progress',
  TIMEOUT,
  async (t) => {
    const network = testNetwork(t);
    const [node, owner] = await network.startNodes(2);
    if (!node || !owner) throw new Error('two nodes');
    const app = new FilerApp(node);
    const {socketPath} = await serve(t, app, {}, node.port);
    const shareDir = await network.tempDir('remote-share');
    const file = path.join(shareDir, 'big.bin');
    await writeRandomFile(file, 6 * MiB);
    await owner.addShare(shareDir);

    const first = await attach(t, socketPath);
    const second = await attach(t, socketPath);
    assert.deepEqual(state(first.snapshot()), state(app.snapshot()));

    const joined = await first.execute({
      kind: 'rebuild',
      contact: {host: owner.advertisedHost, port: owner.port},
    });
    assert.equal(joined.ok, true);
    assert.deepEqual(
      first.snapshot().peers,
      app.snapshot().peers,
      'peers told before the outcome',
    );

    const found = waitForAppEvent(
      second,
      'search-result',
      (event) => event.name === 'big.bin',
    );
    const searched = await first.execute({kind: 'search', key: 'big'});
    assert.equal(searched.ok, true);
    await found;

    const progress: number[] = [];
    second.subscribe((event) => {
      if (event.event === 'transfer-progress') progress.push(event.transfer.received);
    });
    // (waitForAppEvent cannot name one of the transfer events: they share a member.)
    const done = new Promise<TransferInfo>((resolve) =>
      second.subscribe((event) => {
        if (event.event === 'transfer-done') resolve(event.transfer);
      }),
    );
    const fetched = await first.execute({kind: 'fetch', name: 'big.bin'});
    assert.equal(fetched.ok, true);
    const transfer = await done;
    assert.equal(transfer.received, 6 * MiB);
    assert.ok(progress.length > 0, 'progress events arrived');
    // Each client gets its batch on its own timer: wait for both to have the last one.
    for (const remote of [first, second]) {
      await eventually(
        () => isDeepStrictEqual(state(remote.snapshot()), state(app.snapshot())),
        () => `the remote state ${JSON.stringify(state(remote.snapshot()))}`,
      );
    }
    assert.ok(second.snapshot().transfers.some((entry) => entry.state === 'done'));
    await eventually(
      () => isDeepStrictEqual(first.snapshot().log.at(-1), app.snapshot().log.at(-1)),
      'the same recent log',
    );
  },
);
