import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {FileCatalog} from '../../source/node/files/file-catalog.js';

describe('FileCatalog bounds (issue 9 #5)', () => {
  test('a flood of unasked names evicts only unasked names, oldest first', () => {
    const evicted: string[] = [];
    const catalog = new FileCatalog({
      maxNames: 10,
      maxUnsolicitedNames: 4,
      onEvict: (name) => evicted.push(name),
    });
    for (let index = 0; index < 6; index++) {
      catalog.addRemote(`mine${index}`, `mine${index}`, 'h:1', 'search');
    }
    for (let index = 0; index < 1_000; index++) {
      catalog.addRemote(`forged${index}`, `forged${index}`, 'x:1');
    }
    assert.deepEqual(catalog.remoteCounts(), {search: 6, unsolicited: 4});
    assert.equal(evicted.length, 996);
    assert.deepEqual(evicted.slice(0, 2), ['forged0', 'forged1']);
    for (let index = 0; index < 6; index++) assert.ok(catalog.entry(`mine${index}`));
    assert.ok(catalog.entry('forged999'));
    assert.equal(catalog.addRemote('late-result', 'late-result', 'h:2', 'search'), true);
    assert.ok(catalog.entry('late-result'), 'a later real result is never dropped');
    assert.deepEqual(catalog.remoteCounts(), {search: 7, unsolicited: 3});
  });

  test('search results make room among themselves once no unasked name is left', () => {
    const catalog = new FileCatalog({maxNames: 3, maxUnsolicitedNames: 3});
    for (const name of ['a', 'b', 'c', 'd'])
      catalog.addRemote(name, name, 'h:1', 'search');
    assert.deepEqual(
      catalog.entries().map((entry) => entry.name),
      ['b', 'c', 'd'],
    );
    assert.equal(
      catalog.addRemote('u', 'u', 'h:1'),
      false,
      'an unasked name never evicts one',
    );
  });

  test('an unasked name that answers a search later is promoted', () => {
    const catalog = new FileCatalog({maxNames: 10, maxUnsolicitedNames: 1});
    catalog.addRemote('a', 'a', 'h:1');
    assert.equal(catalog.addRemote('a', 'a', 'h:1', 'search'), true);
    catalog.addRemote('b', 'b', 'h:1');
    catalog.addRemote('c', 'c', 'h:1');
    assert.ok(catalog.entry('a'));
    assert.deepEqual(catalog.remoteCounts(), {search: 1, unsolicited: 1});
  });

  test('local shares are never evicted and are all that is answered', () => {
    const catalog = new FileCatalog({maxNames: 1, maxUnsolicitedNames: 1});
    catalog.addLocal('song-local', 'song-local', {path: '/s/song-local', size: 1});
    catalog.addRemote('song-heard', 'song-heard', 'h:1');
    catalog.addRemote('song-other', 'song-other', 'h:1');
    assert.ok(catalog.localShare('song-local'));
    assert.deepEqual(catalog.matchLocal('song'), ['song-local']);
    assert.deepEqual(catalog.firstMatch('other', 'me:1'), {
      wireName: 'song-other',
      ownerPeerId: 'h:1',
    });
  });
});
