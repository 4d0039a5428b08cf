/** The key table drives the input handler, the key bar and the help overlay alike. */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {keyNames} from '../../source/ui/model/key-names.js';
import {KEY_TABLE} from '../../source/ui/model/key-table.js';
import type {KeyContext, ModeKind} from '../../source/ui/model/key-binding.js';
import {barItems, matchKey} from '../../source/ui/model/key-lookup.js';
import {inkKey} from '../support/ink-key.js';

const browse: KeyContext = {
  mode: 'browse',
  focus: 'files',
  fileSelected: true,
  peerSelected: true,
  transferRunning: false,
};

const key = inkKey;

describe('keyNames', () => {
  test('special keys by name', () => {
    assert.deepEqual(keyNames('', key({upArrow: true})), ['up']);
    assert.deepEqual(keyNames('', key({pageDown: true})), ['pagedown']);
    assert.deepEqual(keyNames('', key({tab: true})), ['tab']);
    assert.deepEqual(keyNames('', key({tab: true, shift: true})), ['shift-tab']);
    assert.deepEqual(keyNames('\r', key({return: true})), ['enter']);
    assert.deepEqual(keyNames('', key({escape: true, meta: true})), ['escape']);
    assert.deepEqual(keyNames('', key({delete: true})), ['delete']);
    assert.deepEqual(keyNames('c', key({ctrl: true})), ['ctrl-c']);
    assert.deepEqual(keyNames('l', key({ctrl: true})), ['ctrl-l']);
  });

  test('a burst of typed keys is split, control characters named', () => {
    assert.deepEqual(keyNames('sab\r', key()), ['s', 'a', 'b', 'enter']);
    assert.deepEqual(keyNames('q\t\u0003', key()), ['q', 'tab', 'ctrl-c']);
    assert.deepEqual(keyNames('é/', key()), ['é', '/']);
  });

  test('Alt combinations are not bound', () => {
    assert.deepEqual(keyNames('q', key({meta: true})), []);
  });
});

describe('matchKey', () => {
  test('each hotkey of the issue, in its pane', () => {
    const expect = (name: string, action: string, context: KeyContext = browse): void => {
      const match = matchKey(name, context);
      assert.equal(match.kind, 'action', `${name} in ${JSON.stringify(context)}`);
      assert.equal(match.kind === 'action' && match.binding.action, action);
    };
    expect('tab', 'focus');
    expect('shift-tab', 'focus');
    for (const name of [
      'up',
      'down',
      'pageup',
      'pagedown',
      'home',
      'end',
      'j',
      'k',
      'g',
      'G',
    ])
      expect(name, 'move');
    expect('a', 'add');
    expect('s', 'search');
    expect('/', 'filter');
    expect('/', 'filter', {...browse, focus: 'peers'});
    expect('o', 'sort');
    expect('O', 'reverse');
    expect('v', 'show');
    expect('l', 'log');
    expect('j', 'scroll', {...browse, mode: 'log'});
    expect('G', 'scroll', {...browse, mode: 'log'});
    expect('v', 'level', {...browse, mode: 'log'});
    expect('escape', 'close', {...browse, mode: 'log'});
    expect('l', 'log', {...browse, mode: 'log'});
    expect('q', 'quit', {...browse, mode: 'log'});
    expect('enter', 'keep-filter', {...browse, mode: 'filter'});
    expect('escape', 'clear-filter', {...browse, mode: 'filter'});
    expect('f', 'fetch');
    expect('enter', 'fetch');
    expect('c', 'cancel', {...browse, transferRunning: true});
    expect('d', 'remove', {...browse, focus: 'peers'});
    expect('delete', 'remove', {...browse, focus: 'peers'});
    expect('b', 'rebuild');
    expect('r', 'refresh');
    expect('ctrl-l', 'refresh');
    expect('?', 'help');
    expect('q', 'quit');
    expect('ctrl-c', 'quit');
    expect('escape', 'close', {...browse, mode: 'prompt'});
    expect('escape', 'close', {...browse, mode: 'help'});
    expect('enter', 'submit', {...browse, mode: 'prompt'});
    expect('y', 'confirm', {...browse, mode: 'confirm'});
    expect('n', 'reject', {...browse, mode: 'confirm'});
    expect('escape', 'reject', {...browse, mode: 'confirm'});
    expect('ctrl-c', 'quit', {...browse, mode: 'prompt'});
    expect('ctrl-c', 'quit', {...browse, mode: 'closing'});
    expect('up', 'choose', {...browse, mode: 'pick'});
    expect('down', 'choose', {...browse, mode: 'pick'});
    expect('enter', 'pick', {...browse, mode: 'pick'});
    expect('escape', 'close', {...browse, mode: 'pick'});
  });

  test('a key outside its pane or without a selection is refused with a reason', () => {
    const fetch = matchKey('f', {...browse, focus: 'peers'});
    assert.equal(fetch.kind, 'unavailable');
    assert.match(
      fetch.kind === 'unavailable' ? (fetch.binding.unavailable ?? '') : '',
      /Tab/,
    );
    assert.equal(matchKey('d', browse).kind, 'unavailable');
    assert.equal(matchKey('c', browse).kind, 'unavailable');
    assert.equal(matchKey('f', {...browse, fileSelected: false}).kind, 'unavailable');
    assert.equal(matchKey('o', {...browse, focus: 'peers'}).kind, 'unavailable');
  });

  test('letters typed into a prompt are not hotkeys; unknown keys are unbound', () => {
    for (const name of ['q', 'a', 's', 'f', 'd']) {
      assert.equal(matchKey(name, {...browse, mode: 'prompt'}).kind, 'unbound');
    }
    assert.equal(matchKey('x', browse).kind, 'unbound');
    assert.equal(matchKey('q', {...browse, mode: 'pick'}).kind, 'unbound');
  });

  test('no two available bindings share a key in any context', () => {
    const modes: ModeKind[] = [
      'browse',
      'prompt',
      'filter',
      'confirm',
      'pick',
      'help',
      'log',
      'closing',
    ];
    for (const mode of modes) {
      for (const focus of ['files', 'peers'] as const) {
        const context = {...browse, mode, focus, transferRunning: true};
        const seen = new Map<string, string>();
        for (const binding of KEY_TABLE) {
          if (!binding.modes.includes(mode) || !(binding.when?.(context) ?? true))
            continue;
          for (const name of binding.keys) {
            assert.ok(!seen.has(name), `${name} twice in ${mode}/${focus}`);
            seen.set(name, binding.label);
          }
        }
      }
    }
  });
});

describe('barItems', () => {
  const labels = (context: KeyContext): string[] =>
    barItems(context).map((item) => `${item.keys} ${item.label}`);

  test('the Files pane: fetch but not remove; cancel only while a transfer runs', () => {
    assert.deepEqual(labels(browse), [
      'Tab focus',
      '↑↓ move',
      'f fetch',
      'a add',
      's search',
      'b rebuild',
      '/ filter',
      'o sort',
      'v show',
      'l log',
      'r refresh',
      '? help',
      'q quit',
    ]);
    assert.ok(labels({...browse, transferRunning: true}).includes('c cancel'));
  });

  test('the Peer List: remove instead of fetch', () => {
    const items = labels({...browse, focus: 'peers'});
    assert.ok(items.includes('d remove'));
    assert.ok(!items.includes('f fetch'));
  });

  test('prompts, dialogs and closing list their own keys', () => {
    assert.deepEqual(labels({...browse, mode: 'prompt'}), [
      'Enter ok',
      'Esc close',
      'Ctrl-C quit',
    ]);
    assert.deepEqual(labels({...browse, mode: 'confirm'}), [
      'y yes',
      'n/Esc no',
      'Ctrl-C quit',
    ]);
    assert.deepEqual(labels({...browse, mode: 'pick'}), [
      '↑↓ choose',
      'Enter fetch',
      'Esc close',
      'Ctrl-C quit',
    ]);
    assert.deepEqual(labels({...browse, mode: 'closing'}), ['Ctrl-C quit']);
    assert.deepEqual(labels({...browse, mode: 'filter'}), [
      'Enter keep',
      'Esc clear',
      'Ctrl-C quit',
    ]);
    assert.deepEqual(labels({...browse, mode: 'log'}), [
      'l log',
      'q quit',
      '↑↓ scroll',
      'v level',
      'Esc close',
    ]);
  });
});
