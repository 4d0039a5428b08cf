/**
 * Property-based fuzzing of what a node receives: random bytes, valid-looking
 * frames of random types and payloads, lengths near 2^32, and requests cut at
 * every position. Whatever comes, the node answers with well-formed REPL or
 * ERRO frames (or nothing), closes the connection, and afterwards still
 * answers NAME with its heap and descriptors within the stated bounds.
 * Fixed seeds: every run tries the same cases.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {test} from 'node:test';
import fc from 'fast-check';
import {RawConnection, rawFrame, rawHeader} from '../support/raw-client.js';
import {
  assertAnswersName,
  resourceBaseline,
  startTarget,
  type Target,
} from './attack-kit.js';

const SEED = 0x9e1;

/** A loopback port nothing listens on: whatever the node sends there is refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const TYPES = [
  'NAME',
  'LIST',
  'JOIN',
  'QUER',
  'RESP',
  'FGET',
  'QUIT',
  'SIZE',
  'PING',
  'FINF',
  'FRNG',
  'FSUM',
  'BRWS',
  'HAND',
];

/**
 * Fields of a payload. Every field that could be a valid host is on
 * loopback, so no fuzzed JOIN, QUER or RESP makes the node connect (or
 * resolve a name) anywhere else.
 */
function fields(port: number) {
  const loopbackHost = fc.constantFrom('127.0.0.1', '127.0.0.2', '127.9.9.9');
  const peerId = loopbackHost.map((host) => `${host}:${port}`);
  const invalidMark = fc.constantFrom(
    '\x1b[2J',
    '\x00',
    '/',
    '%0A',
    '\u202e',
    '..:',
    '\x7f',
    'é',
  );
  const hostile = fc
    .tuple(
      fc.string({unit: 'binary', maxLength: 24}),
      invalidMark,
      fc.string({maxLength: 8}),
    )
    .map(([before, mark, after]) => before + mark + after);
  const number = fc.oneof(
    fc.integer({min: -2_000_000_000, max: 2_000_000_000}).map(String),
    fc.constantFrom('0', '4', '65535', '65536', '-5', '999999999', '1e3', String(port)),
  );
  const name = fc.constantFrom('shared.txt', 'shared', 'missing.bin', 'shared%20.txt');
  return fc.oneof(peerId, loopbackHost, number, hostile, name);
}

function payloads(port: number) {
  const separator = fc.constantFrom(' ', '\t', '\n', '\u3000', '   ', '\r\n', '\x0b');
  return fc
    .array(fc.tuple(fields(port), separator), {maxLength: 5})
    .map((parts) =>
      Buffer.from(parts.map(([field, sep]) => field + sep).join(''), 'utf8'),
    );
}

const anyType = fc.oneof(
  fc.constantFrom(...TYPES),
  fc.constantFrom(...TYPES).map((type) => type.toLowerCase()),
  fc.string({unit: 'binary-ascii', minLength: 4, maxLength: 4}),
);

/** Every frame of a reply, or a failure if its bytes are not whole REPL/ERRO frames. */
function assertWellFormed(reply: Buffer, context: string): void {
  let offset = 0;
  while (offset < reply.length) {
    assert.ok(offset + 8 <= reply.length, `stray bytes after a frame: ${context}`);
    const type = reply.toString('latin1', offset, offset + 4);
    assert.ok(type === 'REPL' || type === 'ERRO', `reply frame ${type}: ${context}`);
    offset += 8 + reply.readUInt32BE(offset + 4);
  }
  assert.equal(offset, reply.length, `truncated reply: ${context}`);
}

/** Sends `bytes`, half-closes, and returns what the node sent before it closed. */
async function exchange(port: number, bytes: Buffer): Promise<Buffer> {
  const connection = await RawConnection.open(port, {timeoutMs: 10_000});
  try {
    await connection.write(bytes).catch(() => undefined);
    connection.endWrite();
    await connection.closed;
    return connection.received;
  } finally {
    connection.destroy();
  }
}

async function fuzzTarget(t: Parameters<typeof startTarget>[0]): Promise<Target> {
  const target = await startTarget(t, {
    maxPeers: 3,
    replyTimeoutMs: 300,
    replyDeadlineMs: 300,
    connectTimeoutMs: 300,
  });
  const directory = await target.network.tempDir('fuzz');
  await fs.writeFile(path.join(directory, 'shared.txt'), 'shared bytes');
  await target.node.addShare(directory);
  return target;
}

test('fuzz: random bytes, frames of random types and payloads, lengths near 2^32, every cut', async (t) => {
  const {node} = await fuzzTarget(t);
  const port = await closedPort();
  await assertAnswersName(node);
  const baseline = await resourceBaseline(node);
  let cases = 0;

  await fc.assert(
    fc.asyncProperty(fc.uint8Array({maxLength: 2_048}), async (bytes) => {
      cases++;
      const reply = await exchange(node.port, Buffer.from(bytes));
      assertWellFormed(
        reply,
        `random ${Buffer.from(bytes).toString('hex').slice(0, 40)}`,
      );
    }),
    {seed: SEED, numRuns: 600},
  );

  await fc.assert(
    fc.asyncProperty(
      anyType,
      payloads(port),
      fc.uint8Array({maxLength: 16}),
      async (type, data, trailing) => {
        cases++;
        const bytes = Buffer.concat([rawFrame(type, data), Buffer.from(trailing)]);
        const reply = await exchange(node.port, bytes);
        assertWellFormed(
          reply,
          `${JSON.stringify(type)} ${JSON.stringify(data.toString())}`,
        );
      },
    ),
    {seed: SEED, numRuns: 1_200},
  );

  await fc.assert(
    fc.asyncProperty(
      anyType,
      fc.oneof(
        fc.integer({min: 0xffffffff - 64, max: 0xffffffff}),
        fc.integer({min: 64 * 1024 + 1, max: 0xffffffff}),
      ),
      fc.uint8Array({maxLength: 4_096}),
      async (type, length, data) => {
        cases++;
        const reply = await exchange(
          node.port,
          Buffer.concat([rawHeader(type, length), data]),
        );
        assert.equal(reply.length, 0, `a ${length}-byte ${type} got a reply`);
      },
    ),
    {seed: SEED, numRuns: 200},
  );

  const requests = [
    rawFrame('NAME'),
    rawFrame('LIST'),
    rawFrame('JOIN', `127.0.0.1:${port} 127.0.0.1 ${port}`),
    rawFrame('QUER', `127.0.0.1:${port} shared 2`),
    rawFrame('RESP', `other.txt 127.0.0.1:${port}`),
    rawFrame('FGET', 'shared.txt'),
    rawFrame('SIZE', 'shared.txt'),
    rawFrame('QUIT', `127.0.0.1:${port}`),
  ];
  for (const request of requests) {
    for (let cut = 0; cut < request.length; cut++) {
      cases++;
      const reply = await exchange(node.port, request.subarray(0, cut));
      assert.equal(reply.length, 0, `${request.toString('latin1', 0, 4)} cut at ${cut}`);
    }
  }

  t.diagnostic(`${cases} cases`);
  assert.ok(cases >= 2_000);
  await baseline.assertRecovered();
});
