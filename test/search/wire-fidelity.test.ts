/**
 * Names and keys as bytes from the wire to the wire, in networks mixed with
 * the Python 2 original (issue 8, "Wire fidelity"): fields split on ASCII
 * whitespace only, a no-break space and Latin-1 bytes kept exactly in ACKs,
 * forwarded queries, RESPs and FGET.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import {test} from 'node:test';
import type {FilerNode} from '../../source/node/filer-node.js';
import {eventually} from '../support/eventually.js';
import {testNetwork, waitFor} from '../support/network.js';
import {rawFrame, rawRequest} from '../support/raw-client.js';
import {startOriginalPeer} from './original-peer.js';
import {settled, shareFiles} from './topology-kit.js';

const SHORT = {timeout: 60_000};
/** One link, as the original's JOIN makes it (one hop: no further). */
const join = (node: FilerNode, contact: {host: string; port: number}) =>
  node.buildPeers(contact.host, contact.port);
const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const requestsOf = (
  peer: {requests: Array<{type: string; data: Buffer}>},
  type: string,
) =>
  peer.requests.filter((request) => request.type === type).map((request) => request.data);

test(
  'an original RESP naming nb\\xc2\\xa0sp-o.txt is one name, kept and shown',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const node = await network.startNode();
    const found = waitFor(node, 'search-result');
    const owner = await startOriginalPeer(network);
    await node.search('nb\u00a0sp');
    // The node has no peers; an original answers anyway (RESPs are accepted unasked).
    await rawRequest(
      node.port,
      rawFrame('RESP', bytes(`nb\xc2\xa0sp-o.txt ${owner.id}`)),
    );
    assert.deepEqual(node.file('nb\u00a0sp-o.txt')?.owners, [owner.id]);
    assert.deepEqual((await found)[0], {
      key: 'nb\u00a0sp',
      name: 'nb\u00a0sp-o.txt',
      owner: owner.id,
    });
  },
);

test(
  'a QUER key with a no-break space or Latin-1 bytes: ACK and forwarded QUER byte for byte',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const node = await network.startNode();
    const neighbour = await startOriginalPeer(network);
    await join(node, neighbour);
    const asker = await network.startFakePeer();
    for (const key of ['nb\xc2\xa0sp', 'caf\xe9', '\xff\xfe%zz']) {
      const ack = await rawRequest(
        node.port,
        rawFrame('QUER', bytes(`${asker.id} ${key} 4`)),
      );
      assert.deepEqual(ack, rawFrame('REPL', bytes(`Query ACK: ${key}`)), key);
      await settled([node]);
      assert.deepEqual(
        requestsOf(neighbour, 'QUER').at(-1),
        bytes(`${asker.id} ${key} 3`),
        key,
      );
    }
  },
);

test(
  'a Latin-1 name caf\\xe9.bin is shown as café.bin and fetched with its exact bytes',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const node = await network.startNode();
    const original = await startOriginalPeer(network, {'caf\xe9.bin': 'latin-1 content'});
    await join(node, original);
    const found = waitFor(node, 'search-result', (result) => result.name === 'café.bin');
    await node.search('caf');
    assert.deepEqual(requestsOf(original, 'QUER'), [bytes(`${node.id} caf 4`)]);
    await found;

    const transfer = await node.fetch('café.bin');
    assert.equal(transfer.state, 'done', transfer.error);
    assert.deepEqual(requestsOf(original, 'FGET'), [bytes('caf\xe9.bin')]);
    assert.equal(await fs.readFile(transfer.path ?? '', 'utf8'), 'latin-1 content');
  },
);

test(
  'a mixed network: an original user finds UTF-8 and Latin-1 names through filer-tui nodes, also when searching again',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const options = {searchLimits: {repeatWindowMs: 0}, sizeLookup: false};
    const [a, b] = (await network.startNodes(2, options)) as [FilerNode, FilerNode];
    const searcher = await startOriginalPeer(network);
    const holder = await startOriginalPeer(network, {'caf\xe9.bin': 'x'});
    // searcher (original) - a - b - holder (original); b shares a UTF-8 name with a space.
    await join(a, searcher);
    await join(b, {host: a.advertisedHost, port: a.port});
    await join(b, holder);
    await shareFiles(network, b, ['café ü.txt']);

    const expected = [
      bytes(`caf\xc3\xa9%20\xc3\xbc.txt ${b.id}`),
      bytes(`caf\xe9.bin ${holder.id}`),
    ]
      .map((data) => data.toString('latin1'))
      .sort();
    const answers = () =>
      requestsOf(searcher, 'RESP')
        .map((data) => data.toString('latin1'))
        .sort();
    await searcher.search(bytes('caf'));
    await eventually(() => answers().length >= 2, 'both holders answered');
    await settled([a, b]);
    assert.deepEqual(answers(), expected);

    // The same search again within seconds: answered again, by both.
    await searcher.search(bytes('caf'));
    await eventually(() => answers().length >= 4, 'both holders answered again');
    await settled([a, b]);
    assert.deepEqual(answers(), [...expected, ...expected].sort());
    assert.equal(searcher.table.get('caf\xc3\xa9%20\xc3\xbc.txt'), b.id);
    assert.equal(searcher.table.get('caf\xe9.bin'), holder.id);
  },
);
