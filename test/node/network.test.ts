/**
 * Networks of real FilerNodes on 127.0.0.1: joining, search across hops,
 * streamed transfers, owners that leave or die, and hostile peers.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {test} from 'node:test';
import {
  RemoteError,
  TransferCancelledError,
  UnsafeNameError,
} from '../../source/protocol/errors.js';
import {encodeFrame, encodeHeader} from '../../source/protocol/frame.js';
import {MessageType} from '../../source/protocol/messages.js';
import {requestFrames} from '../../source/node/net/peer-client.js';
import type {FilerNode} from '../../source/node/filer-node.js';
import type {PeerInfo} from '../../source/node/types.js';
import {
  join,
  MiB,
  peerIds,
  recordEvents,
  sha256File,
  testNetwork,
  waitFor,
  writeRandomFile,
  type TestNetwork,
} from '../support/network.js';

const SHORT = {timeout: 15_000};
const LONG = {timeout: 45_000};

/** Sends one raw request frame to a node, as any peer on the network could. */
function sendRaw(to: PeerInfo | FilerNode, type: string, data = '') {
  const address = 'peers' in to ? {host: to.advertisedHost, port: to.port} : to;
  return requestFrames(address, type, data);
}

function frameTexts(frames: Array<{type: string; data: Buffer}>): string[] {
  return frames.map((frame) => `${frame.type} ${frame.data.toString('utf8')}`);
}

/** Writes `files` (name → content) into a new directory and shares it from `node`. */
async function share(
  network: TestNetwork,
  node: FilerNode,
  files: Record<string, string | Buffer>,
): Promise<string> {
  const directory = await network.tempDir('share');
  for (const [name, content] of Object.entries(files)) {
    await fs.writeFile(path.join(directory, name), content);
  }
  await node.addShare(directory);
  return directory;
}

/** Searches from `node` and waits for the result naming `name`. */
async function searchFor(node: FilerNode, key: string, name: string) {
  const found = waitFor(node, 'search-result', (result) => result.name === name);
  const asked = await node.search(key);
  assert.ok(asked > 0, `search "${key}" reached no peer`);
  const [result] = await found;
  return result;
}

/** Whether every node can be reached from the first over the union of all peer links. */
function isConnected(nodes: FilerNode[]): boolean {
  const links = new Map<string, Set<string>>(nodes.map((node) => [node.id, new Set()]));
  for (const node of nodes) {
    for (const peer of node.peers()) {
      links.get(node.id)?.add(peer.id);
      links.get(peer.id)?.add(node.id);
    }
  }
  const start = nodes[0]?.id as string;
  const reached = new Set([start]);
  const queue = [start];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const neighbour of links.get(next) ?? []) {
      if (!reached.has(neighbour)) {
        reached.add(neighbour);
        queue.push(neighbour);
      }
    }
  }
  return reached.size === nodes.length;
}

test(
  'joining nodes list each other in LIST and peers() on both sides',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const [a, b, c] = (await network.startNodes(3)) as [FilerNode, FilerNode, FilerNode];
    const aSawB = waitFor(a, 'peer-added', (peer) => peer.id === b.id);
    assert.equal(await join(b, a), 1);
    await aSawB;
    assert.deepEqual(peerIds(a), [b.id]);
    assert.deepEqual(peerIds(b), [a.id]);

    // C joins through A and, two hops deep, also meets B from A's LIST.
    assert.equal(await join(c, a), 2);
    assert.deepEqual(peerIds(a), [b.id, c.id].sort());
    assert.deepEqual(peerIds(b), [a.id, c.id].sort());
    assert.deepEqual(peerIds(c), [a.id, b.id].sort());

    const list = frameTexts(await sendRaw(a, MessageType.list));
    assert.equal(list[0], 'REPL 2');
    assert.deepEqual(
      list.slice(1).sort(),
      [b, c].map((node) => `REPL ${node.id} 127.0.0.1 ${node.port}`).sort(),
    );
    assert.deepEqual(frameTexts(await sendRaw(c, MessageType.name)), [`REPL ${c.id}`]);
  },
);

test(
  'a search two hops away comes back as RESP and a search-result',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const [a, b, c] = (await network.startChain(3)) as [FilerNode, FilerNode, FilerNode];
    assert.deepEqual(peerIds(a), [b.id], 'A knows only B');
    assert.deepEqual(peerIds(c), [b.id], 'C knows only B');
    await share(network, c, {'two-hops.txt': 'far away'});

    const result = await searchFor(a, 'hops', 'two-hops.txt');
    assert.deepEqual(result, {key: 'hops', name: 'two-hops.txt', owner: c.id});
    assert.deepEqual(a.file('two-hops.txt')?.owners, [c.id]);
    assert.equal(b.file('two-hops.txt'), undefined, 'B only forwarded the query');
  },
);

test('names with spaces and empty files arrive byte-identical', SHORT, async (t) => {
  const network = testNetwork(t);
  const [a, , c] = (await network.startChain(3)) as [FilerNode, FilerNode, FilerNode];
  const files = {'my song 100%.txt': 'la la\nla\u00e9', 'empty.dat': ''};
  const directory = await share(network, c, files);
  await searchFor(a, 'song', 'my song 100%.txt');
  await searchFor(a, 'empty', 'empty.dat');
  for (const name of Object.keys(files)) {
    const transfer = await a.fetch(name);
    assert.equal(transfer.state, 'done');
    assert.equal(transfer.path, path.join(a.downloadDir, name));
    assert.deepEqual(
      await fs.readFile(transfer.path as string),
      await fs.readFile(path.join(directory, name)),
    );
  }
});

test('a 50 MiB fetch is byte-identical and the copy is shared on', LONG, async (t) => {
  const network = testNetwork(t);
  const [a, , c] = (await network.startChain(3)) as [FilerNode, FilerNode, FilerNode];
  const source = path.join(await network.tempDir('big'), 'big.bin');
  await writeRandomFile(source, 50 * MiB);
  const sourceHash = await sha256File(source);
  await c.addShare(source);

  await searchFor(a, 'big', 'big.bin');
  const progress = recordEvents(a, 'transfer-progress');
  const transfer = await a.fetch('big.bin');
  assert.equal(transfer.state, 'done');
  assert.equal(transfer.owner, c.id);
  assert.equal(transfer.received, 50 * MiB);
  assert.equal(transfer.total, 50 * MiB);
  assert.ok(progress.length >= 1, 'progress events were emitted');
  const copy = path.join(a.downloadDir, 'big.bin');
  assert.equal(transfer.path, copy);
  assert.equal(await sha256File(copy), sourceHash);
  assert.deepEqual(await fs.readdir(a.downloadDir), ['big.bin'], 'no .part left');
  assert.deepEqual(a.file('big.bin'), {
    name: 'big.bin',
    local: true,
    owners: [c.id],
    size: 50 * MiB,
  });

  // D knows only A, so A's answer names A itself, and D fetches A's copy.
  const d = await network.startNode();
  await join(d, a, 1);
  assert.deepEqual(peerIds(d), [a.id]);
  const result = await searchFor(d, 'big', 'big.bin');
  assert.equal(result.owner, a.id);
  const second = await d.fetch('big.bin');
  assert.equal(second.owner, a.id);
  assert.equal(await sha256File(second.path as string), sourceHash);
});

test(
  'every owner of a name is kept; a fetch falls back when the first is gone',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const [a, b, c] = (await network.startNodes(3)) as [FilerNode, FilerNode, FilerNode];
    const contents = new Map([
      [a.id, 'copy held by A'],
      [c.id, 'copy held by C'],
    ]);
    await share(network, a, {'same.txt': contents.get(a.id) as string});
    await share(network, c, {'same.txt': contents.get(c.id) as string});
    await join(b, a, 1);
    await join(b, c, 1);
    assert.deepEqual(peerIds(b), [a.id, c.id].sort());

    const bothKnown = waitFor(
      b,
      'file-added',
      (file) => file.name === 'same.txt' && file.owners.length === 2,
    );
    await b.search('same');
    const [entry] = await bothKnown;
    assert.deepEqual([...entry.owners].sort(), [a.id, c.id].sort());

    const [firstOwner, secondOwner] = entry.owners as [string, string];
    const first = firstOwner === a.id ? a : c;
    const gone = waitFor(b, 'peer-removed', (peer) => peer.id === firstOwner);
    await first.close();
    await gone;
    const transfer = await b.fetch('same.txt');
    assert.equal(transfer.owner, secondOwner);
    assert.equal(
      await fs.readFile(transfer.path as string, 'utf8'),
      contents.get(secondOwner),
    );
    assert.ok(!b.file('same.txt')?.owners.includes(firstOwner), 'dead owner dropped');
  },
);

test(
  'QUIT from removePeer and from close() removes the peer on the other side',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const [a, b, c] = (await network.startNodes(3)) as [FilerNode, FilerNode, FilerNode];
    await join(b, a, 1);
    await join(c, a, 1);
    assert.deepEqual(peerIds(a), [b.id, c.id].sort());

    const aDropsB = waitFor(a, 'peer-removed', (peer) => peer.id === b.id);
    const bDropsA = waitFor(b, 'peer-removed', (peer) => peer.id === a.id);
    await b.removePeer(a.id);
    assert.equal((await aDropsB)[1], 'quit');
    assert.equal((await bDropsA)[1], 'removed');
    assert.deepEqual(peerIds(b), []);
    assert.deepEqual(peerIds(a), [c.id]);

    const aDropsC = waitFor(a, 'peer-removed', (peer) => peer.id === c.id);
    await c.close();
    assert.equal((await aDropsC)[1], 'quit');
    assert.deepEqual(peerIds(a), []);
    await assert.rejects(b.removePeer(a.id), {code: 'ERR_UNKNOWN_PEER'});
  },
);

test('the stabilizer drops a killed peer as unreachable', SHORT, async (t) => {
  const network = testNetwork(t);
  const a = await network.startNode({stabilizeIntervalMs: 200});
  const b = await network.startNode();
  const doomed = await network.startNodeProcess();
  await a.buildPeers(doomed.host, doomed.port, 1);
  await join(b, a, 1);
  assert.deepEqual(peerIds(a), [b.id, doomed.id].sort());

  const dropped = waitFor(a, 'peer-removed', (peer) => peer.id === doomed.id);
  await doomed.kill();
  const [peer, reason] = await dropped;
  assert.equal(reason, 'unreachable');
  assert.equal(peer.port, doomed.port);
  assert.deepEqual(peerIds(a), [b.id], 'the live peer stays');
});

test('FGET serves only local shares, never names learned from RESP', SHORT, async (t) => {
  const network = testNetwork(t);
  const a = await network.startNode();
  const b = await network.startNode();
  await share(network, a, {'public.txt': 'for everyone'});
  // A file A did not share sits in its download directory under the forged name.
  await fs.writeFile(path.join(a.downloadDir, 'secret.txt'), 'top secret');
  const forger = await network.startFakePeer();

  for (const name of ['secret.txt', '/etc/passwd']) {
    assert.deepEqual(
      await sendRaw(a, MessageType.response, `${name} ${forger.id}`),
      [],
      'RESP has no reply',
    );
  }
  assert.deepEqual(a.file('secret.txt'), {
    name: 'secret.txt',
    local: false,
    owners: [forger.id],
  });
  assert.equal(a.file('/etc/passwd'), undefined);

  for (const name of [
    'secret.txt',
    '/etc/passwd',
    path.join(a.downloadDir, 'secret.txt'),
  ]) {
    assert.deepEqual(frameTexts(await sendRaw(a, MessageType.fileGet, name)), [
      'ERRO File not found',
    ]);
  }
  await assert.rejects(b.fetch('secret.txt', a.id), (error: unknown) => {
    assert.ok(error instanceof RemoteError);
    assert.equal(error.remoteMessage, 'File not found');
    return true;
  });
  assert.deepEqual(await fs.readdir(b.downloadDir), []);
  // The refusal is about the name, not FGET as a whole.
  assert.deepEqual(frameTexts(await sendRaw(a, MessageType.fileGet, 'public.txt')), [
    'REPL for everyone',
  ]);
});

test('"../" names are refused both ways', SHORT, async (t) => {
  const network = testNetwork(t);
  const root = await network.tempDir('escape');
  const downloadDir = path.join(root, 'downloads');
  await fs.mkdir(downloadDir);
  const a = await network.startNode({downloadDir});
  // A malicious owner: announces hostile names and answers every FGET.
  const owner = await network.startFakePeer({
    onRequest: (request, socket) => {
      if (request.type === MessageType.fileGet)
        socket.write(encodeFrame(MessageType.reply, 'pwned'));
      socket.end();
    },
  });
  const added = recordEvents(a, 'file-added');
  const hostile = ['../evil', '..', '..\\evil', 'sub/../../evil', '/tmp/evil', '../'];
  for (const name of hostile) {
    await sendRaw(a, MessageType.response, `${name} ${owner.id}`);
  }
  assert.deepEqual(added, [], 'no hostile name was added');
  assert.deepEqual(a.files(), []);

  for (const name of hostile) {
    await assert.rejects(async () => a.fetch(name, owner.id), UnsafeNameError);
  }
  assert.equal(owner.requests.length, 0, 'nothing was asked of the owner');

  // Percent escapes are not path separators: this lands inside, under its literal name.
  const literal = '..%2F..%2Fevil';
  await sendRaw(a, MessageType.response, `${literal} ${owner.id}`);
  await sendRaw(a, MessageType.response, `fine.txt ${owner.id}`);
  for (const name of [literal, 'fine.txt']) {
    const transfer = await a.fetch(name);
    assert.equal(path.dirname(transfer.path as string), downloadDir);
    assert.equal(await fs.readFile(transfer.path as string, 'utf8'), 'pwned');
  }
  assert.deepEqual(await fs.readdir(root), ['downloads']);
  // Leading dots are not kept on disk: no hidden file from a peer.
  assert.deepEqual(
    (await fs.readdir(downloadDir)).sort(),
    ['__%2F..%2Fevil', 'fine.txt'].sort(),
  );
  const fetched = owner.requests.filter(({type}) => type === MessageType.fileGet);
  assert.deepEqual(
    fetched.map((request) => request.data.toString('utf8')),
    [literal, 'fine.txt'],
  );
});

for (const ending of ['closes', 'resets'] as const) {
  test(
    `an owner that ${ending} mid-body leaves no file and no .part`,
    SHORT,
    async (t) => {
      const network = testNetwork(t);
      const a = await network.startNode();
      const owner = await network.startFakePeer({
        serves: {total: 4 * MiB, send: 256 * 1024},
      });
      const started = a.startFetch('half.bin', owner.id);
      await waitFor(a, 'transfer-progress', (transfer) => transfer.received > 0);
      assert.deepEqual(await fs.readdir(a.downloadDir), ['half.bin.part']);

      for (const socket of owner.transfers) {
        if (ending === 'closes') socket.end();
        else socket.resetAndDestroy();
      }
      await assert.rejects(started.done);
      assert.deepEqual(await fs.readdir(a.downloadDir), []);
      const [transfer] = a.transfers();
      assert.equal(transfer?.state, 'failed');
      assert.equal(a.file('half.bin'), undefined, 'nothing was shared');
    },
  );
}

test(
  'a plain FGET that breaks mid-body falls back to the next owner',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const b = await network.startNode();
    const source = path.join(await network.tempDir('dual'), 'dual.bin');
    await writeRandomFile(source, 3 * MiB);
    const content = await fs.readFile(source);
    // Two owners speaking only the original protocol (they close on FINF).
    const broken = await network.startFakePeer({
      onRequest: (request, socket) => {
        if (request.type !== MessageType.fileGet) return void socket.end();
        socket.write(encodeHeader(MessageType.reply, 3 * MiB));
        socket.end(Buffer.alloc(1000, 1));
      },
    });
    const whole = await network.startFakePeer({
      onRequest: (request, socket) => {
        if (request.type !== MessageType.fileGet) return void socket.end();
        socket.write(encodeHeader(MessageType.reply, content.length));
        socket.end(content);
      },
    });
    for (const owner of [broken.id, whole.id]) {
      await sendRaw(b, MessageType.response, `dual.bin ${owner}`);
    }
    assert.deepEqual(b.file('dual.bin')?.owners, [broken.id, whole.id]);

    const failures: string[] = [];
    b.on('log', (entry) => entry.level === 'warn' && failures.push(entry.message));
    const transfer = await b.fetch('dual.bin');
    assert.equal(transfer.owner, whole.id);
    assert.equal(transfer.received, 3 * MiB);
    assert.equal(transfer.verified, false, 'no source said the hash');
    assert.equal(await sha256File(transfer.path as string), await sha256File(source));
    assert.deepEqual(await fs.readdir(b.downloadDir), ['dual.bin']);
    assert.ok(
      failures.some((line) => line.includes(broken.id)),
      'the broken attempt was logged',
    );
  },
);

test(
  'close() during a transfer resolves only once the .part file is gone',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const a = await network.startNode();
    const owner = await network.startFakePeer({
      serves: {total: 4 * MiB, send: 256 * 1024},
    });
    const {done} = a.startFetch('cut.bin', owner.id);
    done.catch(() => undefined);
    await waitFor(a, 'transfer-progress', (transfer) => transfer.received > 0);
    assert.deepEqual(await fs.readdir(a.downloadDir), ['cut.bin.part']);

    await a.close();
    assert.deepEqual(await fs.readdir(a.downloadDir), [], 'no .part after close()');
    assert.equal(a.transfers()[0]?.state, 'cancelled');
  },
);

test('cancelTransfer stops the transfer and removes the .part file', SHORT, async (t) => {
  const network = testNetwork(t);
  const a = await network.startNode();
  const owner = await network.startFakePeer({serves: {total: 4 * MiB, send: 256 * 1024}});
  const {transfer, done} = a.startFetch('slow.bin', owner.id);
  await waitFor(a, 'transfer-progress', (progress) => progress.received > 0);
  assert.deepEqual(await fs.readdir(a.downloadDir), ['slow.bin.part']);

  const failed = waitFor(a, 'transfer-failed');
  assert.equal(a.cancelTransfer(transfer.id), true);
  await assert.rejects(done, TransferCancelledError);
  assert.equal((await failed)[0].state, 'cancelled');
  assert.deepEqual(await fs.readdir(a.downloadDir), []);
  assert.equal(a.cancelTransfer(transfer.id), false, 'only a running transfer');
});

test(
  'an existing file is kept; the download is saved as "name (1).ext", and not again',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const [a, b] = (await network.startNodes(2)) as [FilerNode, FilerNode];
    await share(network, a, {'report.txt': 'theirs', README: 'their readme'});
    await fs.writeFile(path.join(b.downloadDir, 'report.txt'), 'mine');
    await fs.writeFile(path.join(b.downloadDir, 'README'), 'my readme');

    const report = await b.fetch('report.txt', a.id);
    assert.equal(report.path, path.join(b.downloadDir, 'report (1).txt'));
    const readme = await b.fetch('README', a.id);
    assert.equal(readme.path, path.join(b.downloadDir, 'README (1)'));
    // The same content again: nothing is fetched, the transfer says where it is.
    const again = await b.fetch('report.txt', a.id);
    assert.equal(again.alreadyHad, true);
    assert.equal(again.path, path.join(b.downloadDir, 'report (1).txt'));

    const read = (name: string) => fs.readFile(path.join(b.downloadDir, name), 'utf8');
    assert.equal(await read('report.txt'), 'mine');
    assert.equal(await read('README'), 'my readme');
    assert.equal(await read('report (1).txt'), 'theirs');
    assert.ok(!(await fs.readdir(b.downloadDir)).includes('report (2).txt'));
    assert.equal(await read('README (1)'), 'their readme');
  },
);

test(
  'seven nodes with maxPeers 2 joining one after another stay one network',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const nodes = await network.startNodes(7, {maxPeers: 2});
    for (let index = 1; index < nodes.length; index++) {
      await join(nodes[index] as FilerNode, nodes[index - 1] as FilerNode);
    }
    for (const node of nodes) {
      assert.ok(node.peers().length >= 1, `${node.id} has a peer`);
      assert.ok(node.peers().length <= 2, `${node.id} respects maxPeers`);
    }
    assert.ok(isConnected(nodes), 'the union of all peer links is connected');

    const first = nodes[0] as FilerNode;
    const last = nodes[nodes.length - 1] as FilerNode;
    await share(network, first, {'island.txt': 'on the first node'});
    const result = await searchFor(last, 'island', 'island.txt');
    assert.equal(result.owner, first.id);
  },
);

test(
  'a node that joins through a full contact gets two neighbours: the contact hands one of its links over',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const [left, full, right, late] = (await network.startNodes(4, {maxPeers: 2})) as [
      FilerNode,
      FilerNode,
      FilerNode,
      FilerNode,
    ];
    await join(full, left, 1);
    await join(right, full, 1);
    assert.deepEqual(peerIds(full), [left.id, right.id].sort(), 'the contact is full');

    assert.equal(await join(late, full), 2);
    const [handed] = peerIds(late).filter((id) => id !== full.id);
    const other = handed === left.id ? right : left;
    assert.ok(
      handed === left.id || handed === right.id,
      'late links to a neighbour of full',
    );
    assert.deepEqual(peerIds(full), [late.id, other.id].sort());
    const handedNode = handed === left.id ? left : right;
    assert.deepEqual(
      peerIds(handedNode),
      [late.id],
      'the link full–handed is now late–handed',
    );
    assert.ok(isConnected([left, full, right, late]), 'still one network');
  },
);
