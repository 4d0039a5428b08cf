import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {parseHeadlessCommand} from '../../source/headless/commands.js';

describe('parseHeadlessCommand', () => {
  test('ignores blank lines', () => {
    assert.equal(parseHeadlessCommand('   '), undefined);
  });

  test('parses every command', () => {
    assert.deepEqual(parseHeadlessCommand('add /tmp/x y'), {
      ok: true,
      command: {kind: 'add', path: '/tmp/x y'},
    });
    assert.deepEqual(parseHeadlessCommand('SEARCH  mp3'), {
      ok: true,
      command: {kind: 'search', key: 'mp3'},
    });
    assert.deepEqual(parseHeadlessCommand('cancel 3'), {
      ok: true,
      command: {kind: 'cancel', transferId: 3},
    });
    assert.deepEqual(parseHeadlessCommand('remove 1.2.3.4:5'), {
      ok: true,
      command: {kind: 'remove', peerId: '1.2.3.4:5'},
    });
    assert.deepEqual(parseHeadlessCommand('rebuild 1.2.3.4:5'), {
      ok: true,
      command: {kind: 'rebuild', contact: {host: '1.2.3.4', port: 5}},
    });
    for (const kind of [
      'peers',
      'files',
      'transfers',
      'refresh',
      'help',
      'quit',
    ] as const) {
      assert.deepEqual(parseHeadlessCommand(kind), {ok: true, command: {kind}});
    }
    assert.deepEqual(parseHeadlessCommand('exit'), {ok: true, command: {kind: 'quit'}});
  });

  test('fetch takes a name with spaces and an optional owner at the end', () => {
    assert.deepEqual(parseHeadlessCommand('fetch my song.mp3'), {
      ok: true,
      command: {kind: 'fetch', name: 'my song.mp3'},
    });
    assert.deepEqual(parseHeadlessCommand('fetch my song.mp3 10.0.0.2:9000'), {
      ok: true,
      command: {kind: 'fetch', name: 'my song.mp3', owner: '10.0.0.2:9000'},
    });
  });

  test('explains what is wrong in one line', () => {
    const cases: Array<[string, RegExp]> = [
      ['frobnicate', /unknown command "frobnicate"/],
      ['add', /add needs a PATH/],
      ['search', /search needs a KEY/],
      ['fetch', /fetch needs a NAME/],
      ['cancel x', /cancel needs a transfer ID/],
      ['rebuild nohost', /rebuild needs HOST:PORT/],
      ['peers now', /peers takes no arguments/],
    ];
    for (const [line, message] of cases) {
      const parsed = parseHeadlessCommand(line);
      assert.ok(parsed && !parsed.ok, line);
      assert.match(parsed.error, message);
    }
  });
});
