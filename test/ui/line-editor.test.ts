/**
 * Issue 10 #1: a prompt edits exactly. Every key of a burst is applied in
 * order, as in a shell line; wide characters take their real width.
 */
import assert from 'node:assert/strict';
import {describe, test} from 'node:test';
import {routeKeys, type KeyRouting} from '../../source/ui/controller/route-keys.js';
import {fieldView} from '../../source/ui/model/field-view.js';
import {keyNames} from '../../source/ui/model/key-names.js';
import type {KeyContext} from '../../source/ui/model/key-binding.js';
import {
  applyEditKey,
  EMPTY_LINE,
  insertText,
  lineOf,
  type EditKey,
  type LineState,
} from '../../source/ui/model/line-editor.js';
import {fitWidth, padWidth, textWidth} from '../../source/ui/model/text-width.js';
import {inkKey} from '../support/ink-key.js';

function edit(start: LineState, ...steps: Array<EditKey | {text: string}>): LineState {
  return steps.reduce(
    (line, step) =>
      typeof step === 'string' ? applyEditKey(line, step) : insertText(line, step.text),
    start,
  );
}

describe('line editor', () => {
  test('Backspace, Delete, arrows, Home and End as in a shell', () => {
    assert.deepEqual(edit(lineOf('abcdef'), 'backspace', 'backspace', 'backspace'), {
      value: 'abc',
      cursor: 3,
    });
    assert.deepEqual(edit(lineOf('abcdef'), 'left', 'left', {text: 'X'}), {
      value: 'abcdXef',
      cursor: 5,
    });
    assert.deepEqual(edit(lineOf('abc'), 'home', 'delete', 'end', {text: '!'}), {
      value: 'bc!',
      cursor: 3,
    });
    assert.deepEqual(edit(EMPTY_LINE, 'backspace', 'delete', 'left'), EMPTY_LINE);
  });

  test('Ctrl-A/E/U/W/K edit instead of typing letters', () => {
    const path = lineOf('/home/user/share');
    assert.deepEqual(edit(lineOf('~/a ~/music'), 'ctrl-w'), {value: '~/a ', cursor: 4});
    assert.deepEqual(edit(lineOf('one two  '), 'ctrl-w'), {value: 'one ', cursor: 4});
    assert.deepEqual(edit(path, 'ctrl-a', {text: '~'}, 'ctrl-e', {text: '/x'}), {
      value: '~/home/user/share/x',
      cursor: 19,
    });
    assert.deepEqual(edit(path, 'left', 'left', 'ctrl-u'), {value: 're', cursor: 0});
    assert.deepEqual(edit(path, 'ctrl-a', 'right', 'ctrl-k'), {value: '/', cursor: 1});
  });

  test('a grapheme is one key: emoji with modifiers, accents, CJK', () => {
    assert.deepEqual(edit(lineOf('a👍🏽'), 'backspace'), {value: 'a', cursor: 1});
    assert.deepEqual(edit(lineOf('e\u0301x'), 'left', 'left', 'delete'), {
      value: 'x',
      cursor: 0,
    });
    assert.deepEqual(edit(lineOf('日本語'), 'left', 'backspace'), {
      value: '日語',
      cursor: 1,
    });
  });

  test('a paste arrives whole; control bytes never enter the line', () => {
    assert.deepEqual(insertText(EMPTY_LINE, 'my holiday\u007F\u0007 notes'), {
      value: 'my holiday notes',
      cursor: 16,
    });
  });
});

describe('field view', () => {
  test('exactly the field width, wide characters counted as two columns', () => {
    const view = fieldView(lineOf('日本'), 10);
    assert.equal(textWidth(view.text), 10);
    assert.equal(view.cursorColumn, 4);
  });

  test('scrolls to keep the cursor in view', () => {
    const long = lineOf('abcdefghijklmnopqrstuvwxyz');
    const end = fieldView(long, 10);
    assert.equal(end.text, 'rstuvwxyz ');
    assert.equal(end.cursorColumn, 9);
    const start = fieldView({...long, cursor: 0}, 10);
    assert.equal(start.text, 'abcdefghij');
    assert.equal(start.cursorColumn, 0);
    const wide = fieldView(lineOf('日本語日本語日本語'), 7);
    assert.equal(textWidth(wide.text), 7);
    assert.equal(wide.cursorColumn, 6);
  });

  test('fit and pad never exceed the width', () => {
    assert.equal(fitWidth('my holiday notes (1).txt', 10), 'my holida…');
    assert.equal(fitWidth('日本語のファイル', 7), '日本語…');
    assert.equal(textWidth(padWidth('日本語のファイル', 8)), 8);
    assert.equal(padWidth('ab', 4), 'ab  ');
  });
});

const key = inkKey;

describe('routing a burst', () => {
  /** The keys of a prompt, recorded, with Enter ending the prompt. */
  function prompt(): {calls: string[]; routing: KeyRouting} {
    const calls: string[] = [];
    let mode: KeyContext['mode'] = 'prompt';
    const routing: KeyRouting = {
      context: () => ({
        mode,
        focus: 'files',
        fileSelected: false,
        peerSelected: false,
        transferRunning: false,
      }),
      run: (action) => {
        calls.push(`run ${action}`);
        if (action === 'submit') mode = 'browse';
      },
      refuse: (_binding, name) => void calls.push(`refuse ${name}`),
      unknown: (name) => void calls.push(`unknown ${name}`),
      insert: (text) => void calls.push(`insert ${text}`),
      editKey: (name) => void calls.push(`edit ${name}`),
    };
    return {calls, routing};
  }

  test('three Backspaces in one burst are three edits (tmux send-keys BSpace ×3)', () => {
    const {calls, routing} = prompt();
    routeKeys(keyNames('\u007F\u007F\u007F', key()), routing);
    assert.deepEqual(calls, ['edit backspace', 'edit backspace', 'edit backspace']);
  });

  test('Ctrl keys in a burst edit; typed runs are inserted whole; Enter submits in order', () => {
    const {calls, routing} = prompt();
    routeKeys(keyNames('ab\u0015cd\u0017e\u0001\u0005\u000Bf\rq', key()), routing);
    assert.deepEqual(calls, [
      'insert ab',
      'edit ctrl-u',
      'insert cd',
      'edit ctrl-w',
      'insert e',
      'edit ctrl-a',
      'edit ctrl-e',
      'edit ctrl-k',
      'insert f',
      'run submit',
      // After Enter the prompt is closed: q is the quit key again.
      'run quit',
    ]);
  });
});
