/** The UI state reducer and the synchronous store the key handler reads. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {lineOf} from '../../source/ui/model/line-editor.js';
import {
  INITIAL_UI_STATE,
  promptMode,
  uiReducer,
  type UiState,
} from '../../source/ui/model/ui-state.js';
import {UiStore} from '../../source/ui/stores/ui-store.js';

const searchPrompt: UiState = {
  ...INITIAL_UI_STATE,
  mode: {kind: 'prompt', prompt: 'search', line: lineOf('ab')},
};

test('typing clears a refusal; keys edit at the cursor', () => {
  const refused = uiReducer(searchPrompt, {
    type: 'refuse',
    prompt: 'search',
    error: 'no',
  });
  assert.equal(refused.mode.kind === 'prompt' && refused.mode.error, 'no');
  const edited = uiReducer(refused, {type: 'insert', text: 'c'});
  assert.deepEqual(edited.mode, {
    kind: 'prompt',
    prompt: 'search',
    line: {value: 'abc', cursor: 3},
    error: undefined,
    busy: false,
  });
  const moved = uiReducer(edited, {type: 'edit-key', key: 'left'});
  const inserted = uiReducer(moved, {type: 'insert', text: 'dé'});
  assert.deepEqual(inserted.mode.kind === 'prompt' && inserted.mode.line, {
    value: 'abdéc',
    cursor: 4,
  });
  const busy = uiReducer(inserted, {type: 'busy', prompt: 'search'});
  assert.equal(
    uiReducer(busy, {type: 'insert', text: 'x'}),
    busy,
    'no editing while its submit is checked',
  );
});

test('a late refusal only reaches the prompt it was for', () => {
  const other = uiReducer(searchPrompt, {type: 'refuse', prompt: 'add', error: 'late'});
  assert.equal(other, searchPrompt);
});

test('closing is final: nothing opens or closes over it', () => {
  const closing = uiReducer(INITIAL_UI_STATE, {type: 'open', mode: {kind: 'closing'}});
  assert.equal(
    uiReducer(closing, {type: 'open', mode: {kind: 'help', offset: 0}}),
    closing,
  );
  assert.equal(uiReducer(closing, {type: 'close'}), closing);
});

test('moving the selection stops following the search', () => {
  const following = uiReducer(INITIAL_UI_STATE, {type: 'follow-search', key: 'x'});
  assert.equal(following.followSearch, 'x');
  const moved = uiReducer(following, {
    type: 'select',
    pane: 'files',
    selection: {key: 'a', index: 0},
  });
  assert.equal(moved.followSearch, undefined);
});

test('UiStore applies actions at once and notifies only on a change', () => {
  const store = new UiStore();
  let notified = 0;
  store.subscribe(() => notified++);
  store.dispatch({type: 'open', mode: promptMode('add')});
  assert.equal(store.getState().mode.kind, 'prompt');
  store.dispatch({type: 'insert', text: 'a'});
  store.dispatch({type: 'edit-key', key: 'backspace'});
  store.dispatch({type: 'edit-key', key: 'backspace'});
  store.dispatch({type: 'focus', focus: 'files'});
  assert.equal(notified, 3, 'no notification when nothing changed');
});

test('the source list highlight moves and wraps around, as the list did', () => {
  const picking = uiReducer(INITIAL_UI_STATE, {
    type: 'open',
    mode: {kind: 'pick', name: 'a.txt', owners: ['x:1', 'y:2'], index: 0},
  });
  const indexAfter = (...deltas: number[]): number | false => {
    const state = deltas.reduce(
      (current, delta) => uiReducer(current, {type: 'pick-move', delta}),
      picking,
    );
    return state.mode.kind === 'pick' && state.mode.index;
  };
  assert.equal(indexAfter(1, 1), 2);
  assert.equal(indexAfter(1, 1, 1), 0, 'down from the last goes to the first');
  assert.equal(indexAfter(-1), 2, 'up from the first goes to the last');
  assert.equal(
    uiReducer(INITIAL_UI_STATE, {type: 'pick-move', delta: 1}),
    INITIAL_UI_STATE,
  );
});
