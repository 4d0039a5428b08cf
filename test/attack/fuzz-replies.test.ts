/**
 * Property-based fuzzing of what comes back: a hostile peer answers each kind
 * of request the node makes (NAME, JOIN and LIST while joining, QUER, RESP,
 * SIZE, FGET, QUIT, PING) with random bytes, frames of random types and
 * lengths (up to 2^32 - 1), replies cut anywhere, then closes, resets or
 * stalls. Every request must settle, and afterwards the node answers NAME
 * with its heap and descriptors within the stated bounds. Fixed seeds.
 */
import fs from 'node:fs/promises';
import type net from 'node:net';
import path from 'node:path';
import {test} from 'node:test';
import fc from 'fast-check';
import type {FilerNode} from '../../source/node/filer-node.js';
import {eventually} from '../support/eventually.js';
import type {FakePeer, FakeRequest} from '../support/fake-peer.js';
import {rawFrame, rawHeader} from '../support/raw-client.js';
import {
  assertAnswersName,
  resourceBaseline,
  sendAndLeave,
  socketsSettle,
  startTarget,
} from './attack-kit.js';

const SEED = 0x51ab;
const SHORT_MS = 150;

type Script = {bytes: Buffer; then: 'end' | 'reset' | 'stall'};

/** Text a reply might carry: valid-looking answers and hostile text alike. */
function replyTexts(selfPort: number) {
  return fc.oneof(
    fc.constantFrom(
      `127.0.0.1:${selfPort}`,
      `127.0.0.1:${selfPort} 127.0.0.1 ${selfPort}`,
      '0',
      '1',
      '3',
      '999999999',
      '-1',
      '12',
      'Join: peer added: x',
      'Join: too many peers',
      'Query ACK: k',
      'File not found',
      '',
    ),
    fc.string({unit: 'binary', maxLength: 64}),
    fc.string({unit: 'binary-ascii', maxLength: 1_500}),
  );
}

function scripts(selfPort: number): fc.Arbitrary<Script> {
  const type = fc.oneof(
    {weight: 4, arbitrary: fc.constantFrom('REPL', 'ERRO')},
    {weight: 1, arbitrary: fc.string({unit: 'binary-ascii', minLength: 4, maxLength: 4})},
  );
  const frame = fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(type, replyTexts(selfPort))
        .map(([t, text]) => rawFrame(t, text)),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          type,
          fc.integer({min: 1_025, max: 0xffffffff}),
          fc.uint8Array({maxLength: 512}),
        )
        .map(([t, length, data]) => Buffer.concat([rawHeader(t, length), data])),
    },
  );
  const body = fc.oneof(
    {
      weight: 1,
      arbitrary: fc.uint8Array({maxLength: 1_024}).map((bytes) => Buffer.from(bytes)),
    },
    {
      weight: 4,
      arbitrary: fc.array(frame, {maxLength: 6}).map((frames) => Buffer.concat(frames)),
    },
  );
  const cut = fc.option(fc.nat(), {freq: 3});
  const then = fc.oneof(
    {weight: 20, arbitrary: fc.constant('end' as const)},
    {weight: 4, arbitrary: fc.constant('reset' as const)},
    {weight: 1, arbitrary: fc.constant('stall' as const)},
  );
  return fc.tuple(body, cut, then).map(([bytes, at, next]) => ({
    bytes: at === null ? bytes : bytes.subarray(0, at % (bytes.length + 1)),
    then: next,
  }));
}

function play(socket: net.Socket, script: Script): void {
  socket.on('error', () => undefined);
  socket.write(script.bytes);
  if (script.then === 'end') socket.end();
  else if (script.then === 'reset') socket.resetAndDestroy();
  // 'stall': the node's deadlines must end it.
}

/**
 * A hostile peer: answers as a plain peer while `proper`, else plays the
 * current script to every request.
 */
async function hostilePeer(network: Awaited<ReturnType<typeof startTarget>>['network']) {
  const state = {proper: true, script: {bytes: Buffer.alloc(0), then: 'end'} as Script};
  const peer: FakePeer = await network.startFakePeer({
    onRequest: (request: FakeRequest, socket) => {
      if (!state.proper) return play(socket, state.script);
      const answers: Record<string, string> = {
        NAME: peer.id,
        JOIN: `Join: peer added: x`,
        LIST: '0',
      };
      const answer = answers[request.type];
      socket.on('error', () => undefined);
      if (answer === undefined) socket.end();
      else socket.end(rawFrame('REPL', answer));
    },
  });
  return {peer, state};
}

test('fuzz: hostile replies to every kind of request the node makes', async (t) => {
  // Connects get the usual time (they are not what is fuzzed); replies do not.
  const {node, network} = await startTarget(t, {
    maxPeers: 4,
    replyTimeoutMs: SHORT_MS,
    replyDeadlineMs: SHORT_MS,
    transferIdleTimeoutMs: SHORT_MS,
  });
  const directory = await network.tempDir('fuzz-replies');
  const sharedName = 'abcdefghijklmnopqrstuvwxyz0123456789.txt';
  await fs.writeFile(path.join(directory, sharedName), 'shared');
  await node.addShare(directory);
  const {peer: hostile, state} = await hostilePeer(network);
  const script = scripts(hostile.port);

  const asNeighbour = async (): Promise<void> => {
    if (node.peers().some((known) => known.id === hostile.id)) return;
    state.proper = true;
    // Setup, not the property: a join cut by the short deadlines on a busy
    // machine is tried again.
    await eventually(async () => {
      await node.buildPeers(hostile.host, hostile.port, 1);
      return node.peers().some((known) => known.id === hostile.id);
    }, 'the hostile peer to join');
  };
  /** Runs `action` against the script; it must settle, and so must the sockets. */
  const against = async (next: Script, action: () => Promise<unknown>): Promise<void> => {
    state.proper = false;
    state.script = next;
    await action().catch(() => undefined);
    await socketsSettle(node);
  };
  /** Waits for the node's next request of `type` at the hostile peer. */
  const requested = async (type: string): Promise<void> => {
    for (;;) if ((await hostile.nextRequest()).type === type) return;
  };
  let cases = 0;
  let index = 0;
  const run = (numRuns: number, action: (next: Script) => Promise<void>) =>
    fc.assert(
      fc.asyncProperty(script, async (next) => {
        cases++;
        index++;
        await action(next);
      }),
      {seed: SEED + index, numRuns},
    );

  await assertAnswersName(node);
  const baseline = await resourceBaseline(node);

  // NAME, JOIN and LIST: joining through the hostile peer.
  await run(250, (next) => against(next, () => node.rebuild(hostile.host, hostile.port)));
  // QUER: a search that reaches the hostile neighbour.
  await run(200, async (next) => {
    await asNeighbour();
    await against(next, () => node.search(`key${index}`));
  });
  // PING: the liveness check.
  await run(200, async (next) => {
    await asNeighbour();
    await against(next, () => node.checkPeers());
  });
  // QUIT: removing the hostile neighbour.
  await run(60, async (next) => {
    await asNeighbour();
    await against(next, () => node.removePeer(hostile.id));
  });
  // RESP: answering the hostile peer's query (a fresh key each time).
  await run(40, async (next) => {
    const key = sharedName.slice(index % 30, (index % 30) + 1 + (index % 7));
    const arrived = requested('RESP');
    await against(next, async () => {
      await sendAndLeave(node.port, rawFrame('QUER', `${hostile.id} ${key} 0`));
      await arrived;
    });
  });
  // SIZE: the lookup a RESP naming the hostile peer as owner starts.
  await run(150, async (next) => {
    const arrived = requested('SIZE');
    await against(next, async () => {
      await sendAndLeave(node.port, rawFrame('RESP', `sized-${index}.bin ${hostile.id}`));
      await arrived;
    });
  });
  // FGET: a download from the hostile owner.
  await run(200, async (next) => {
    state.proper = true;
    await sendAndLeave(node.port, rawFrame('RESP', `file-${index}.bin ${hostile.id}`));
    await waitForFile(node, `file-${index}.bin`);
    await against(next, () => node.fetch(`file-${index}.bin`, hostile.id));
  });

  t.diagnostic(`${cases} cases`);
  state.proper = true;
  await baseline.assertRecovered();
});

async function waitForFile(node: FilerNode, name: string): Promise<void> {
  await eventually(() => node.file(name) !== undefined, `${name} in the catalogue`);
}
