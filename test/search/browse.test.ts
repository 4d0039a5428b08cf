/**
 * Browse a peer (BRWS): every file a filer-tui peer shares, page by page and
 * bounded; an original peer says no by closing; the key in the Peer List.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import {describe, test} from 'node:test';
import {FilerApp} from '../../source/app/filer-app.js';
import {FileIndex} from '../../source/node/files/file-index.js';
import {PeerBrowser} from '../../source/node/search/peer-browser.js';
import {
  formatBrowseEntry,
  formatBrowseHeader,
  parseBrowsePage,
  parseBrowseRequest,
} from '../../source/protocol/browse-messages.js';
import {matchKey} from '../../source/ui/model/key-lookup.js';
import {testNetwork} from '../support/network.js';
import {rawFrame, rawRequest} from '../support/raw-client.js';
import {FakeClock, FakeNetwork, RecordingLog, reply} from '../node/fake-collaborators.js';
import {startOriginalPeer} from './original-peer.js';

const SHORT = {timeout: 60_000};

describe('BRWS pages', () => {
  test('a page: header line, then one line per file, each ended by LF', () => {
    const data =
      formatBrowseHeader(5, 2, 2) +
      formatBrowseEntry({wireName: 'a%20b', size: 3}) +
      formatBrowseEntry({wireName: 'caf\xe9', size: 0});
    assert.deepEqual(parseBrowsePage(data), {
      total: 5,
      offset: 2,
      entries: [
        {wireName: 'a%20b', size: 3},
        {wireName: 'caf\xe9', size: 0},
      ],
    });
    assert.equal(parseBrowseRequest(''), 0);
    assert.equal(parseBrowseRequest('256'), 256);
  });

  test('anything else is refused', () => {
    for (const data of [
      '',
      '1 0 1\n',
      '1 0 1\n3 a\nextra\n',
      '1 0 1\n3 a',
      '1 1 1\n3 a\n',
      '1 0 1\nx a\n',
      '1 0 1\n3 a b\n',
      '1 0 1\n3 \n',
      '01 0 0\n',
    ]) {
      assert.throws(
        () => parseBrowsePage(data),
        {code: 'ERR_MALFORMED_MESSAGE'},
        JSON.stringify(data),
      );
    }
    for (const data of ['-1', 'x', ' 1', '1234567890']) {
      assert.throws(
        () => parseBrowseRequest(data),
        {code: 'ERR_MALFORMED_MESSAGE'},
        data,
      );
    }
  });
});

describe('PeerBrowser against a scripted peer', () => {
  const PEER = '10.0.0.5:1';
  function makeBrowser(maxEntries: number, page: (offset: number) => string) {
    const network = new FakeNetwork();
    network.set(PEER, (_type, data) => [reply(page(Number(data)))]);
    const log = new RecordingLog();
    const files = new FileIndex(log.log);
    const browser = new PeerBrowser({
      request: network.request,
      files,
      clock: new FakeClock().read,
      log: log.log,
      limits: {maxEntries},
    });
    return {browser, files, network, log};
  }

  test('reads at most browse-entries and says the listing was cut', async () => {
    const {browser, network, log} = makeBrowser(25, (offset) => {
      const count = Math.min(10, 1_000 - offset);
      let data = formatBrowseHeader(1_000, offset, count);
      for (let index = offset; index < offset + count; index++) {
        data += formatBrowseEntry({wireName: `f${index}`, size: index});
      }
      return data;
    });
    const listing = await browser.browse(PEER);
    assert.equal(listing.files.length, 25);
    assert.equal(listing.total, 1_000);
    assert.equal(listing.cut, true);
    assert.equal(network.sent.length, 3, 'three pages of ten');
    assert.ok(
      log.has(/^limit browse-entries hit by 10\.0\.0\.5:1: read 25 of 1000 files/),
    );
  });

  test('a peer sending only unsafe names or the wrong page cannot keep it reading', async () => {
    const unsafe = makeBrowser(
      50,
      (offset) =>
        formatBrowseHeader(1_000_000, offset, 1) +
        formatBrowseEntry({wireName: '..', size: 1}),
    );
    const listing = await unsafe.browser.browse(PEER);
    assert.equal(listing.files.length, 0);
    assert.equal(unsafe.network.sent.length, 50);
    const stuck = makeBrowser(
      50,
      () => formatBrowseHeader(10, 0, 1) + formatBrowseEntry({wireName: 'a', size: 1}),
    );
    await assert.rejects(stuck.browser.browse(PEER), {code: 'ERR_BROWSE_REFUSED'});
  });
});

test(
  'browse: every file of a filer-tui peer, over several pages, with exact names and sizes',
  SHORT,
  async (t) => {
    const network = testNetwork(t);
    const [asker, holder] = await network.startNodes(2);
    if (!asker || !holder) throw new Error('two nodes');
    const directory = await network.tempDir('browse');
    const names = Array.from(
      {length: 600},
      (_, index) => `${'long-name-'.repeat(18)}${index}.txt`,
    );
    names.push('nb\u00a0sp with space.txt', 'café.bin');
    for (const [index, name] of names.entries()) {
      await fs.writeFile(path.join(directory, name), 'x'.repeat(index % 7));
    }
    await holder.addShare(directory);
    await asker.buildPeers(holder.advertisedHost, holder.port, 1);
    const app = new FilerApp(asker);

    const outcome = await app.execute({kind: 'browse', peerId: holder.id});
    assert.ok(outcome.ok && outcome.kind === 'browse', JSON.stringify(outcome));
    const {listing} = outcome;
    assert.equal(listing.total, names.length);
    assert.equal(listing.cut, false);
    assert.deepEqual(listing.files.map((file) => file.name).sort(), [...names].sort());
    assert.equal(asker.file('nb\u00a0sp with space.txt')?.owners[0], holder.id);
    assert.equal(asker.file(names[6] ?? '')?.size, 6);
    // More than one page: the raw first page does not hold them all.
    const first = await rawRequest(holder.port, rawFrame('BRWS', '0'));
    const page = parseBrowsePage(first.subarray(8).toString('latin1'));
    assert.ok(page.entries.length < names.length && page.entries.length > 0);
    assert.ok(first.length - 8 <= 60 * 1024);
  },
);

test('an original peer cannot be browsed: one clear failure', SHORT, async (t) => {
  const network = testNetwork(t);
  const node = await network.startNode();
  const original = await startOriginalPeer(network, {'a.txt': 'a'});
  const app = new FilerApp(node);
  const outcome = await app.execute({kind: 'browse', peerId: original.id});
  assert.deepEqual(outcome, {
    ok: false,
    code: 'ERR_BROWSE_UNSUPPORTED',
    message: `cannot browse ${original.id}: ${original.id} does not list its files (an original peer): search it instead`,
  });
});

test('in the Peer List, e (or Enter) browses the selected peer', () => {
  const context = {
    mode: 'browse',
    focus: 'peers',
    fileSelected: true,
    peerSelected: true,
    transferRunning: false,
  } as const;
  for (const key of ['e', 'enter']) {
    const match = matchKey(key, context);
    assert.equal(match.kind === 'action' && match.binding.action, 'browse-peer', key);
  }
  assert.equal(matchKey('e', {...context, peerSelected: false}).kind, 'unavailable');
  const inFiles = matchKey('enter', {...context, focus: 'files'});
  assert.equal(inFiles.kind === 'action' && inFiles.binding.action, 'fetch');
});
