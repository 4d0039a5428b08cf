/** The UI state reducer and the synchronous store the key handler reads. */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {
  INITIAL_UI_STATE,
  uiReducer,
  type UiState,
} from '../../source/ui/model/ui-state.js';
import {UiStore} from '../../source/ui/stores/ui-store.js';

const searchPrompt: UiState = {
  ...INITIAL_UI_STATE,
  mode: {kind: 'prompt', prompt: 'search', value: 'ab', revision: 0},
};

test('typing clears a refusal; appended text bumps the revision', () => {
  const refused = uiReducer(searchPrompt, {
    type: 'refuse',
    prompt: 'search',
    error: 'no',
  });
  assert.equal(refused.mode.kind === 'prompt' && refused.mode.error, 'no');
  const edited = uiReducer(refused, {type: 'edit', value: 'abc'});
  assert.deepEqual(edited.mode, {
    kind: 'prompt',
    prompt: 'search',
    value: 'abc',
    revision: 0,
    error: undefined,
    busy: false,
  });
  const appended = uiReducer(edited, {type: 'append', text: 'dé'});
  assert.equal(appended.mode.kind === 'prompt' && appended.mode.value, 'abcdé');
  assert.equal(appended.mode.kind === 'prompt' && appended.mode.revision, 1);
  const erased = uiReducer(appended, {type: 'erase'});
  assert.equal(erased.mode.kind === 'prompt' && erased.mode.value, 'abcd');
});

test('a late refusal only reaches the prompt it was for', () => {
  const other = uiReducer(searchPrompt, {type: 'refuse', prompt: 'add', error: 'late'});
  assert.equal(other, searchPrompt);
});

test('closing is final: nothing opens or closes over it', () => {
  const closing = uiReducer(INITIAL_UI_STATE, {type: 'open', mode: {kind: 'closing'}});
  assert.equal(uiReducer(closing, {type: 'open', mode: {kind: 'help'}}), closing);
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

test('UiStore applies actions at once and tracks when the prompt input listens', () => {
  const store = new UiStore();
  let notified = 0;
  store.subscribe(() => notified++);
  store.dispatch({
    type: 'open',
    mode: {kind: 'prompt', prompt: 'add', value: '', revision: 0},
  });
  assert.equal(store.getState().mode.kind, 'prompt');
  assert.equal(store.isPromptListening(), false, 'not until its effect ran');
  store.promptListening(0);
  assert.equal(store.isPromptListening(), true);
  store.dispatch({type: 'edit', value: 'a'});
  assert.equal(store.isPromptListening(), true, 'typing keeps the input');
  store.dispatch({type: 'append', text: 'b'});
  assert.equal(store.isPromptListening(), false, 'remounted for the new text');
  store.promptListening(1);
  store.dispatch({type: 'close'});
  store.dispatch({
    type: 'open',
    mode: {kind: 'prompt', prompt: 'search', value: '', revision: 0},
  });
  assert.equal(store.isPromptListening(), false, 'a new prompt starts deaf');
  store.dispatch({type: 'focus', focus: 'files'});
  assert.equal(notified, 5, 'no notification when nothing changed');
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
