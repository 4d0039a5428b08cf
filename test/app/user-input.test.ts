/** Typed text → commands, and the rules for which commands and transfers apply. Pure. */
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import {describe, test} from 'node:test';
import {isNotice} from '../../source/app/commands.js';
import {
  cancelTarget,
  runningTransferOf,
  runningTransfers,
} from '../../source/app/transfer-rules.js';
import {
  checkCommand,
  commandFromText,
  expandHome,
  readContact,
} from '../../source/app/user-input.js';
import type {TransferInfo} from '../../source/node/types.js';

describe('commandFromText', () => {
  test('refuses blank text with what to type', () => {
    for (const [kind, hint] of [
      ['add', 'type the path of a file or directory to share'],
      ['search', 'type a part of the name to search for'],
      ['rebuild', 'type the host:port of a peer to join through'],
    ] as const) {
      for (const text of ['', '   ']) {
        assert.deepEqual(commandFromText(kind, text), {
          ok: false,
          code: 'ERR_EMPTY_INPUT',
          message: hint,
        });
      }
    }
  });

  test('reads a contact as host:port, or says what is wrong', () => {
    assert.deepEqual(commandFromText('rebuild', ' 10.0.0.2:9000 '), {
      ok: true,
      command: {kind: 'rebuild', contact: {host: '10.0.0.2', port: 9000}},
    });
    for (const text of ['nonsense', '10.0.0.2', '10.0.0.2:70000', 'a b:1']) {
      assert.deepEqual(commandFromText('rebuild', text), {
        ok: false,
        code: 'ERR_BAD_CONTACT',
        message: `"${text}" is not host:port (for example 192.168.1.20:9000)`,
      });
    }
  });

  test('a path is trimmed; a search key is kept as typed', () => {
    assert.deepEqual(commandFromText('add', '  /tmp/my dir '), {
      ok: true,
      command: {kind: 'add', path: '/tmp/my dir'},
    });
    assert.deepEqual(commandFromText('search', ' song '), {
      ok: true,
      command: {kind: 'search', key: ' song '},
    });
  });
});

describe('checkCommand', () => {
  test('checks commands that did not come from typed text too', () => {
    assert.equal(checkCommand({kind: 'search', key: 'x'}), undefined);
    assert.equal(checkCommand({kind: 'search', key: ' '})?.code, 'ERR_EMPTY_INPUT');
    assert.equal(checkCommand({kind: 'add', path: ''})?.code, 'ERR_EMPTY_INPUT');
    assert.deepEqual(
      checkCommand({kind: 'rebuild', contact: {host: '10.0.0.2', port: 0}}),
      {
        ok: false,
        code: 'ERR_BAD_CONTACT',
        message: '"10.0.0.2:0" is not host:port (for example 192.168.1.20:9000)',
      },
    );
    assert.equal(
      checkCommand({kind: 'start', shares: [], hops: 2, contact: {host: '', port: 1}})
        ?.code,
      'ERR_BAD_CONTACT',
    );
    assert.equal(checkCommand({kind: 'start', shares: [], hops: 2}), undefined);
  });
});

test('expandHome and readContact', () => {
  assert.equal(expandHome('~'), os.homedir());
  assert.equal(expandHome('~/music'), path.join(os.homedir(), 'music'));
  assert.equal(expandHome('/tmp/~/x'), '/tmp/~/x');
  assert.equal(expandHome('~other/x'), '~other/x');
  assert.deepEqual(readContact(' 127.0.0.1:1 '), {host: '127.0.0.1', port: 1});
  assert.equal(readContact('127.0.0.1'), undefined);
});

describe('transfer rules', () => {
  const transfer = (id: number, name: string, state: TransferInfo['state']) =>
    ({id, name, owner: '10.0.0.2:9000', state, received: 0, startedAt: 0}) as const;
  const transfers: TransferInfo[] = [
    transfer(1, 'a.bin', 'done'),
    transfer(2, 'b.bin', 'running'),
    transfer(3, 'a.bin', 'running'),
    transfer(4, 'c.bin', 'failed'),
  ];

  test('running transfers, and the running transfer of a name', () => {
    assert.deepEqual(
      runningTransfers(transfers).map(({id}) => id),
      [2, 3],
    );
    assert.equal(runningTransferOf(transfers, 'a.bin')?.id, 3);
    assert.equal(runningTransferOf(transfers, 'c.bin'), undefined);
  });

  test('cancel hits the id, else the named file, else the newest running', () => {
    assert.equal(cancelTarget(transfers, {transferId: 4})?.id, 4, 'even if ended');
    assert.equal(cancelTarget(transfers, {transferId: 9}), undefined);
    assert.equal(cancelTarget(transfers, {name: 'b.bin'})?.id, 2);
    assert.equal(cancelTarget(transfers, {name: 'c.bin'})?.id, 3, 'not running: newest');
    assert.equal(cancelTarget(transfers, {})?.id, 3);
    assert.equal(cancelTarget([transfers[0] as TransferInfo], {}), undefined);
  });

  test('refusals that only say the wish is moot are notices', () => {
    for (const code of [
      'ERR_ALREADY_FETCHING',
      'ERR_NO_TRANSFER',
      'ERR_TRANSFER_ENDED',
    ]) {
      assert.equal(isNotice({ok: false, code, message: ''}), true, code);
    }
    assert.equal(isNotice({ok: false, code: 'ERR_NO_OWNER', message: ''}), false);
  });
});
