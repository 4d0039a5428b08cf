/**
 * Every request type against a live FilerNode, with request frames built by
 * hand and the exact reply bytes checked, as an original Python peer would
 * see them.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {after, before, describe, test, type TestContext} from 'node:test';
import type {FilerNode, FilerNodeOptions} from '../../source/node/filer-node.js';
import {eventually} from '../support/eventually.js';
import {startFakePeer, type FakePeer} from '../support/fake-peer.js';
import {testNetwork} from '../support/network.js';
import {
  describeBytes,
  LOOPBACK,
  RawConnection,
  rawFrame,
  rawHeader,
  rawRequest,
} from '../support/raw-client.js';

type TestNode = {node: FilerNode; shareDir: string; downloadDir: string};

async function startNode(
  t: TestContext,
  options: Partial<FilerNodeOptions> = {},
): Promise<TestNode> {
  const network = testNetwork(t);
  const shareDir = await network.tempDir('requests-shares');
  const downloadDir = await network.tempDir('requests-downloads');
  const node = await network.startNode({
    maxPeers: 2,
    downloadDir,
    // Names learned from RESP point at peers that do not exist.
    sizeLookup: false,
    ...options,
  });
  return {node, shareDir, downloadDir};
}

async function share(
  {node, shareDir}: TestNode,
  name: string,
  content: Buffer | string,
): Promise<string> {
  const filePath = path.join(shareDir, name);
  await fs.writeFile(filePath, content);
  const added = await node.addShare(filePath);
  assert.deepEqual(
    added.map((entry) => entry.name),
    [name],
  );
  return filePath;
}

function assertBytes(actual: Buffer, ...expectedFrames: Buffer[]): void {
  const expected = Buffer.concat(expectedFrames);
  assert.equal(
    actual.toString('hex'),
    expected.toString('hex'),
    `reply was ${describeBytes(actual)}; expected ${describeBytes(expected)}`,
  );
}

const ask = (node: FilerNode, request: Buffer): Promise<Buffer> =>
  rawRequest(node.port, request);

const repl = (text: string | Buffer): Buffer => rawFrame('REPL', text);
const erro = (text: string): Buffer => rawFrame('ERRO', text);

/** The node still works: NAME answers with its id. */
async function assertAlive(node: FilerNode): Promise<void> {
  assertBytes(await ask(node, rawFrame('NAME')), repl(node.id));
}

let fakePorts: number[] = [];
let fakePeers: FakePeer[] = [];
const fakePeer = (index: number) => {
  const port = fakePorts[index] as number;
  return {id: `${LOOPBACK}:${port}`, host: LOOPBACK, port};
};
const joinData = (index: number): string => {
  const peer = fakePeer(index);
  return `${peer.id} ${peer.host} ${peer.port}`;
};

/** Peers that answer NAME (a JOIN is confirmed by it) and close on anything else. */
before(async () => {
  fakePeers = await Promise.all([0, 1, 2].map(() => startFakePeer({answersName: true})));
  fakePorts = fakePeers.map((peer) => peer.port);
});
after(() => Promise.all(fakePeers.map((peer) => peer.close())));

describe('NAME', () => {
  test('replies REPL <host:port>', async (t) => {
    const {node} = await startNode(t);
    assert.equal(node.id, `127.0.0.1:${node.port}`);
    const reply = await ask(node, Buffer.concat([Buffer.from('NAME'), Buffer.alloc(4)]));
    assertBytes(
      reply,
      Buffer.from('REPL'),
      Buffer.from([0, 0, 0, node.id.length]),
      Buffer.from(node.id),
    );
  });

  test('a lower-case type is dispatched upper-cased', async (t) => {
    const {node} = await startNode(t);
    assertBytes(await ask(node, rawFrame('name')), repl(node.id));
    assertBytes(await ask(node, rawFrame('nAmE')), repl(node.id));
  });

  test('data sent with NAME is ignored', async (t) => {
    const {node} = await startNode(t);
    assertBytes(await ask(node, rawFrame('NAME', 'whatever')), repl(node.id));
  });
});

describe('LIST', () => {
  test('an empty peer list is a single REPL "0"', async (t) => {
    const {node} = await startNode(t);
    assertBytes(await ask(node, rawFrame('LIST')), repl('0'));
  });

  test('the count, then one "<peer-id> <host> <port>" per peer, in join order', async (t) => {
    const {node} = await startNode(t);
    for (const index of [1, 0]) {
      const reply = await ask(node, rawFrame('JOIN', joinData(index)));
      assertBytes(reply, repl(`Join: peer added: ${fakePeer(index).id}`));
    }
    assertBytes(
      await ask(node, rawFrame('LIST')),
      repl('2'),
      repl(joinData(1)),
      repl(joinData(0)),
    );
  });
});

describe('JOIN', () => {
  test('a new peer is added: REPL "Join: peer added: <id>"', async (t) => {
    const {node} = await startNode(t);
    const peer = fakePeer(0);
    const reply = await ask(node, rawFrame('JOIN', joinData(0)));
    assertBytes(reply, repl(`Join: peer added: ${peer.id}`));
    assert.deepEqual(node.peers(), [peer]);
  });

  test('fields are split on any whitespace, as str.split()', async (t) => {
    const {node} = await startNode(t);
    const peer = fakePeer(0);
    const data = `\t${peer.id}  ${peer.host}\r\n${peer.port} \n`;
    assertBytes(
      await ask(node, rawFrame('JOIN', data)),
      repl(`Join: peer added: ${peer.id}`),
    );
    assert.deepEqual(node.peers(), [peer]);
  });

  test('a known peer: ERRO "Join: peer already inserted <id>"', async (t) => {
    const {node} = await startNode(t);
    await ask(node, rawFrame('JOIN', joinData(0)));
    assertBytes(
      await ask(node, rawFrame('JOIN', joinData(0))),
      erro(`Join: peer already inserted ${fakePeer(0).id}`),
    );
    assert.equal(node.peers().length, 1);
  });

  test('its own id: ERRO "Join: peer already inserted <own id>"', async (t) => {
    const {node} = await startNode(t);
    const data = `${node.id} ${LOOPBACK} ${node.port}`;
    assertBytes(
      await ask(node, rawFrame('JOIN', data)),
      erro(`Join: peer already inserted ${node.id}`),
    );
    assert.deepEqual(node.peers(), []);
  });

  test('a full peer list: ERRO "Join: too many peers", even for a known id', async (t) => {
    const {node} = await startNode(t);
    await ask(node, rawFrame('JOIN', joinData(0)));
    await ask(node, rawFrame('JOIN', joinData(1)));
    assertBytes(
      await ask(node, rawFrame('JOIN', joinData(2))),
      erro('Join: too many peers'),
    );
    // The original checks for room before it looks at the id.
    assertBytes(
      await ask(node, rawFrame('JOIN', joinData(0))),
      erro('Join: too many peers'),
    );
    assert.deepEqual(
      node.peers().map((peer) => peer.id),
      [fakePeer(0).id, fakePeer(1).id],
    );
  });

  test('bad data: ERRO "Join: incorrect arguments"', async (t) => {
    const {node} = await startNode(t);
    const {id, host, port} = fakePeer(0);
    const bad = [
      '',
      '   ',
      id,
      `${id} ${host}`,
      `${id} ${host} ${port} extra`,
      `${id} ${host} port`,
      `${id} ${host} 0`,
      `${id} ${host} 65536`,
      `my ${id} ${host} ${port}`,
    ];
    for (const data of bad) {
      assertBytes(
        await ask(node, rawFrame('JOIN', data)),
        erro('Join: incorrect arguments'),
      );
    }
    assert.deepEqual(node.peers(), []);
  });
});

describe('QUER', () => {
  test('a well-formed query is acknowledged: REPL "Query ACK: <key>"', async (t) => {
    const {node} = await startNode(t);
    const data = `${fakePeer(0).id} song 4`;
    assertBytes(await ask(node, rawFrame('QUER', data)), repl('Query ACK: song'));
    assertBytes(
      await ask(node, rawFrame('QUER', ` ${fakePeer(0).id}\tmy%20song\n0 `)),
      repl('Query ACK: my%20song'),
    );
  });

  test('malformed queries: ERRO "Query: incorrect arguments", and the node lives on', async (t) => {
    const {node} = await startNode(t);
    const returnId = fakePeer(0).id;
    const bad = [
      '',
      returnId,
      `${returnId} song`,
      `${returnId} song four`,
      `${returnId} song 4.5`,
      `${returnId} my song 4`,
      `nobody song 4`,
    ];
    for (const data of bad) {
      assertBytes(
        await ask(node, rawFrame('QUER', data)),
        erro('Query: incorrect arguments'),
      );
      await assertAlive(node);
    }
  });

  test('every matching local file is reported to the return peer with RESP', async (t) => {
    const testNode = await startNode(t);
    const {node} = testNode;
    const returnPeer = await testNetwork(t).startFakePeer();
    await share(testNode, 'alpha song.mp3', 'a');
    await share(testNode, 'beta song.ogg', 'b');
    await share(testNode, 'other.txt', 'c');

    const query = (key: string, ttl: number) =>
      ask(node, rawFrame('QUER', `${returnPeer.id} ${key} ${ttl}`));
    assertBytes(await query('song', 4), repl('Query ACK: song'));
    const responses = [await returnPeer.nextRequest(), await returnPeer.nextRequest()];
    assert.deepEqual(responses.map((frame) => frame.type).sort(), ['RESP', 'RESP']);
    assert.deepEqual(responses.map((frame) => frame.data.toString('utf8')).sort(), [
      `alpha%20song.mp3 ${node.id}`,
      `beta%20song.ogg ${node.id}`,
    ]);

    // The same query again (same ttl) is not processed a second time: the
    // next RESP to arrive answers a later, different query.
    assertBytes(await query('song', 4), repl('Query ACK: song'));
    assertBytes(await query('other', 4), repl('Query ACK: other'));
    const next = await returnPeer.nextRequest();
    assert.equal(next.data.toString('utf8'), `other.txt ${node.id}`);

    // With more ttl left than before it travels on, but its files were
    // answered already: the next RESP answers a later, different query.
    assertBytes(await query('song', 5), repl('Query ACK: song'));
    assertBytes(await query('beta', 4), repl('Query ACK: beta'));
    const later = await returnPeer.nextRequest();
    assert.equal(later.data.toString('utf8'), `beta%20song.ogg ${node.id}`);
  });
});

describe('RESP', () => {
  test('no reply; the name and its owner are added to the catalogue', async (t) => {
    const {node} = await startNode(t);
    const reply = await ask(node, rawFrame('RESP', 'song.mp3 10.0.0.2:9001'));
    assertBytes(reply);
    assert.deepEqual(node.files(), [
      {name: 'song.mp3', local: false, owners: ['10.0.0.2:9001']},
    ]);
  });

  test('an encoded name is decoded, and every owner is kept', async (t) => {
    const {node} = await startNode(t);
    assertBytes(await ask(node, rawFrame('RESP', 'my%20song.mp3 10.0.0.2:9001')));
    assertBytes(await ask(node, rawFrame('RESP', '\tmy%20song.mp3  10.0.0.3:9001\n')));
    assertBytes(await ask(node, rawFrame('RESP', 'my%20song.mp3 10.0.0.2:9001')));
    assert.deepEqual(node.files(), [
      {name: 'my song.mp3', local: false, owners: ['10.0.0.2:9001', '10.0.0.3:9001']},
    ]);
  });

  test('unsafe names are ignored', async (t) => {
    const {node} = await startNode(t);
    const names = ['../x', '/etc/passwd', '..', '.', 'a\\b', 'x%0Ay', '%09'];
    for (const name of names) {
      assertBytes(await ask(node, rawFrame('RESP', `${name} 10.0.0.2:9001`)));
    }
    assert.deepEqual(node.files(), []);
    await assertAlive(node);
  });

  test('malformed data and this node as owner are ignored', async (t) => {
    const {node} = await startNode(t);
    const bad = [
      '',
      'lonely.txt',
      'a.txt nobody',
      'a b 10.0.0.2:9001',
      `mine.txt ${node.id}`,
    ];
    for (const data of bad) {
      assertBytes(await ask(node, rawFrame('RESP', data)));
    }
    assert.deepEqual(node.files(), []);
    await assertAlive(node);
  });
});

describe('FGET', () => {
  const content = Buffer.alloc(70_000);
  for (let index = 0; index < content.length; index++) {
    content[index] = (index * 31 + (index >> 8)) & 0xff;
  }

  test('a shared file comes back as one REPL frame with every byte', async (t) => {
    const testNode = await startNode(t);
    await share(testNode, 'data.bin', content);
    const reply = await ask(testNode.node, rawFrame('FGET', 'data.bin'));
    // 70,000 bytes: more than a control frame may carry, so it is streamed.
    assertBytes(reply, Buffer.from('REPL'), Buffer.from([0, 1, 0x11, 0x70]), content);
  });

  test('an empty shared file is a REPL with length 0', async (t) => {
    const testNode = await startNode(t);
    await share(testNode, 'empty.txt', '');
    assertBytes(await ask(testNode.node, rawFrame('FGET', 'empty.txt')), repl(''));
  });

  test('a name with a space, asked for encoded', async (t) => {
    const testNode = await startNode(t);
    await share(testNode, 'my file.txt', 'hello');
    assertBytes(
      await ask(testNode.node, rawFrame('FGET', 'my%20file.txt')),
      repl('hello'),
    );
  });

  test('a name only learned from RESP: ERRO "File not found"', async (t) => {
    const testNode = await startNode(t);
    const {node} = testNode;
    await share(testNode, 'local.txt', 'local');
    // The original serves any name in its table, including forged ones.
    assertBytes(await ask(node, rawFrame('RESP', 'remote.txt 10.0.0.2:9001')));
    assert.equal(node.file('remote.txt')?.local, false);
    assertBytes(await ask(node, rawFrame('FGET', 'remote.txt')), erro('File not found'));
  });

  test('paths are refused: only shared names are served', async (t) => {
    const testNode = await startNode(t);
    const {node} = testNode;
    const sharedPath = await share(testNode, 'shared.txt', 'secret-ish');
    const requests = [
      '../etc/passwd',
      '/etc/passwd',
      sharedPath,
      `../shares/shared.txt`,
      'shared.txt ',
      'unknown.txt',
      '',
    ];
    for (const name of requests) {
      assertBytes(await ask(node, rawFrame('FGET', name)), erro('File not found'));
    }
  });

  test('a shared file that disappeared: ERRO "Error reading file"', async (t) => {
    const testNode = await startNode(t);
    const filePath = await share(testNode, 'gone.txt', 'soon gone');
    await fs.rm(filePath);
    assertBytes(
      await ask(testNode.node, rawFrame('FGET', 'gone.txt')),
      erro('Error reading file'),
    );
  });
});

describe('SIZE (filer-tui extension)', () => {
  test('a shared file: REPL with its size in decimal', async (t) => {
    const testNode = await startNode(t);
    await share(testNode, 'my file.bin', Buffer.alloc(12_345, 1));
    await share(testNode, 'empty.bin', '');
    assertBytes(
      await ask(testNode.node, rawFrame('SIZE', 'my%20file.bin')),
      repl('12345'),
    );
    assertBytes(await ask(testNode.node, rawFrame('size', 'empty.bin')), repl('0'));
  });

  test('unknown, remote-only and unsafe names: ERRO "File not found"', async (t) => {
    const {node} = await startNode(t);
    assertBytes(await ask(node, rawFrame('RESP', 'remote.txt 10.0.0.2:9001')));
    for (const name of [
      'remote.txt',
      'unknown.txt',
      '../etc/passwd',
      '/etc/passwd',
      '',
    ]) {
      assertBytes(await ask(node, rawFrame('SIZE', name)), erro('File not found'));
    }
  });

  test('a shared file that disappeared: ERRO "Error reading file"', async (t) => {
    const testNode = await startNode(t);
    const filePath = await share(testNode, 'gone.txt', 'x');
    await fs.rm(filePath);
    assertBytes(
      await ask(testNode.node, rawFrame('SIZE', 'gone.txt')),
      erro('Error reading file'),
    );
  });
});

describe('QUIT', () => {
  test('a known peer is removed; surrounding whitespace is stripped', async (t) => {
    const {node} = await startNode(t);
    const peer = fakePeer(0);
    await ask(node, rawFrame('JOIN', joinData(0)));
    await ask(node, rawFrame('JOIN', joinData(1)));
    assertBytes(
      await ask(node, rawFrame('QUIT', ` \t${peer.id}\r\n`)),
      repl(`Quit: peer removed: ${peer.id}`),
    );
    // Acted on once the peer confirms it (its LIST no longer names this node).
    await eventually(() => node.peers().length === 1, 'the peer removed');
    assert.deepEqual(node.peers(), [fakePeer(1)]);
    assertBytes(
      await ask(node, rawFrame('QUIT', peer.id)),
      erro(`Quit: peer not found: ${peer.id}`),
    );
  });

  test('an unknown peer: ERRO "Quit: peer not found: <id>"', async (t) => {
    const {node} = await startNode(t);
    assertBytes(
      await ask(node, rawFrame('QUIT', '10.0.0.9:1')),
      erro('Quit: peer not found: 10.0.0.9:1'),
    );
    assertBytes(await ask(node, rawFrame('QUIT', '  ')), erro('Quit: peer not found: '));
  });
});

describe('types without a handler', () => {
  test('PING, unknown types and stray replies are closed with zero reply bytes', async (t) => {
    const {node} = await startNode(t);
    const requests = [
      rawFrame('PING'),
      rawFrame('ABCD'),
      rawFrame('ABCD', 'some data'),
      rawFrame('REPL', 'hello'),
      rawFrame('ERRO', 'oops'),
      Buffer.concat([Buffer.from([0, 0xff, 0x20, 0x7f]), Buffer.alloc(4)]),
    ];
    for (const request of requests) {
      assertBytes(await ask(node, request));
      await assertAlive(node);
    }
  });
});

describe('connection rules and hostile input', () => {
  test('one request per connection: bytes after the first frame are ignored', async (t) => {
    const {node} = await startNode(t);
    const request = Buffer.concat([
      rawFrame('NAME'),
      rawFrame('LIST'),
      Buffer.from('junk'),
    ]);
    assertBytes(await ask(node, request), repl(node.id));
  });

  test('a frame split into single bytes is still one request', async (t) => {
    const {node} = await startNode(t);
    const connection = await RawConnection.open(node.port);
    t.after(() => connection.destroy());
    const request = rawFrame('QUER', `${fakePeer(0).id} k 1`);
    for (const byte of request) await connection.write(Buffer.from([byte]));
    assertBytes(await connection.reply, repl('Query ACK: k'));
  });

  test('a header announcing 4 GiB: closed without a reply, node unharmed', async (t) => {
    const {node} = await startNode(t);
    const header = Buffer.concat([
      Buffer.from('NAME'),
      Buffer.from([0xff, 0xff, 0xff, 0xff]),
    ]);
    assertBytes(await ask(node, header));
    assertBytes(await ask(node, rawHeader('FGET', 65_537)));
    await assertAlive(node);
  });

  test('a request of exactly 64 KiB is still read', async (t) => {
    const {node} = await startNode(t);
    assertBytes(
      await ask(node, rawFrame('JOIN', Buffer.alloc(65_536, 0x61))),
      erro('Join: incorrect arguments'),
    );
  });

  test('a client that ends inside its request gets no reply', async (t) => {
    const {node} = await startNode(t);
    for (const partial of [
      Buffer.from('NA'),
      rawHeader('JOIN', 20),
      Buffer.from('JOIN\0\0\0\x14abc'),
    ]) {
      const connection = await RawConnection.open(node.port);
      t.after(() => connection.destroy());
      await connection.write(partial);
      connection.endWrite();
      assertBytes(await connection.reply);
    }
    await assertAlive(node);
  });

  describe('request timeout', () => {
    const requestTimeoutMs = 300;

    test('a client that sends nothing is closed after the request timeout', async (t) => {
      const {node} = await startNode(t, {serverLimits: {requestTimeoutMs}});
      const started = performance.now();
      const connection = await RawConnection.open(node.port);
      t.after(() => connection.destroy());
      assertBytes(await connection.reply);
      const elapsed = performance.now() - started;
      assert.ok(elapsed >= requestTimeoutMs - 50, `closed after ${elapsed} ms`);
      await assertAlive(node);
    });

    test('a client that stops inside the header is closed too', async (t) => {
      const {node} = await startNode(t, {serverLimits: {requestTimeoutMs}});
      const connection = await RawConnection.open(node.port);
      t.after(() => connection.destroy());
      await connection.write(Buffer.from('QUE'));
      assertBytes(await connection.reply);
    });

    test('a client that trickles its request is closed once the request timeout has passed', async (t) => {
      const {node} = await startNode(t, {serverLimits: {requestTimeoutMs}});
      const connection = await RawConnection.open(node.port);
      t.after(() => connection.destroy());
      await connection.write(rawHeader('JOIN', 1_000));
      const started = performance.now();
      // One byte every 100 ms for up to 2.5 s, far past the 300 ms limit.
      for (let sent = 0; sent < 25 && connection.isOpen; sent++) {
        const closedOrTick = Promise.race([
          connection.closed,
          new Promise((resolve) => setTimeout(resolve, 100)),
        ]);
        await closedOrTick;
        if (!connection.isOpen) break;
        await connection.write(Buffer.from('a')).catch(() => undefined);
      }
      const elapsed = Math.round(performance.now() - started);
      assert.equal(connection.isOpen, false, `still open after ${elapsed} ms`);
      assert.equal(connection.received.length, 0);
    });
  });
});
