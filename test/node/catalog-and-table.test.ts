import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {alternativeName} from '../../source/node/transfer/download-names.js';
import {FileCatalog} from '../../source/node/files/file-catalog.js';
import {PeerTable} from '../../source/node/overlay/peer-table.js';

describe('PeerTable', () => {
  const peer = (port: number) => ({id: `10.0.0.1:${port}`, host: '10.0.0.1', port});

  test('keeps join order, refuses duplicates and a full table', () => {
    const table = new PeerTable(2);
    assert.equal(table.add(peer(1)), true);
    assert.equal(table.add(peer(1)), false);
    assert.equal(table.add(peer(2)), true);
    assert.equal(table.isFull(), true);
    assert.equal(table.add(peer(3)), false);
    assert.deepEqual(
      table.list().map((p) => p.port),
      [1, 2],
    );
    assert.equal(table.remove('10.0.0.1:1')?.port, 1);
    assert.equal(table.isFull(), false);
  });

  test('max-peers 0 means unlimited', () => {
    const table = new PeerTable(0);
    for (let port = 1; port <= 50; port++) assert.equal(table.add(peer(port)), true);
    assert.equal(table.isFull(), false);
  });

  test('list() returns copies', () => {
    const table = new PeerTable(1);
    table.add(peer(1));
    (table.list()[0] as {port: number}).port = 99;
    assert.equal(table.get('10.0.0.1:1')?.port, 1);
  });
});

describe('FileCatalog', () => {
  test('keeps every owner of a name, once each', () => {
    const catalog = new FileCatalog();
    assert.equal(catalog.addRemote('a.mp3', 'a.mp3', 'h:1'), true);
    assert.equal(catalog.addRemote('a.mp3', 'a.mp3', 'h:2'), true);
    assert.equal(catalog.addRemote('a.mp3', 'a.mp3', 'h:1'), false);
    assert.deepEqual(catalog.entry('a.mp3'), {
      name: 'a.mp3',
      local: false,
      owners: ['h:1', 'h:2'],
    });
  });

  test('serves only local shares, and a local name cannot be taken by another path', () => {
    const catalog = new FileCatalog();
    catalog.addRemote('r.txt', 'r.txt', 'h:1');
    assert.equal(catalog.localShare('r.txt'), undefined);
    assert.equal(catalog.addLocal('l.txt', 'l.txt', {path: '/a/l.txt', size: 3}), true);
    assert.equal(catalog.addLocal('l.txt', 'l.txt', {path: '/b/l.txt', size: 4}), false);
    assert.deepEqual(catalog.localShare('l.txt'), {path: '/a/l.txt', size: 3});
    assert.equal(catalog.entries().filter((entry) => entry.local).length, 1);
  });

  test('forgetting the last owner of a remote name removes it', () => {
    const catalog = new FileCatalog();
    catalog.addRemote('x', 'x', 'h:1');
    catalog.addRemote('x', 'x', 'h:2');
    assert.equal(catalog.removeOwner('x', 'h:1'), 'changed');
    assert.equal(catalog.removeOwner('x', 'h:9'), 'unchanged');
    assert.equal(catalog.removeOwner('x', 'h:2'), 'gone');
    assert.equal(catalog.entry('x'), undefined);
  });

  test('matches by substring and reports sizes when known', () => {
    const catalog = new FileCatalog();
    catalog.addRemote('song one.mp3', 'song%20one.mp3', 'h:1');
    catalog.addRemote('other.txt', 'other.txt', 'h:1');
    catalog.setRemoteSize('song one.mp3', 1234);
    assert.deepEqual(catalog.match('one'), [
      {name: 'song one.mp3', local: false, owners: ['h:1'], size: 1234},
    ]);
    assert.equal(catalog.wireName('song one.mp3'), 'song%20one.mp3');
  });

  test('bounds names and owners so a flood of RESP cannot grow memory without end', () => {
    const catalog = new FileCatalog({maxNames: 3, maxOwnersPerName: 2});
    for (let index = 0; index < 10; index++)
      catalog.addRemote(`f${index}`, `f${index}`, 'h:1');
    assert.equal(catalog.size, 3);
    for (let port = 2; port < 10; port++) catalog.addRemote('f0', 'f0', `h:${port}`);
    assert.equal(catalog.entry('f0')?.owners.length, 2);
  });
});

describe('alternativeName', () => {
  test('adds a counter before the extension', () => {
    assert.equal(alternativeName('report.pdf', 0), 'report.pdf');
    assert.equal(alternativeName('report.pdf', 1), 'report (1).pdf');
    assert.equal(alternativeName('archive.tar.gz', 2), 'archive.tar (2).gz');
    assert.equal(alternativeName('README', 3), 'README (3)');
    assert.equal(alternativeName('.bashrc', 1), '.bashrc (1)');
  });
});
