/**
 * What each key does. Keys that only move around the screen change the UI
 * state; the others become app commands, as headless input lines do, and
 * what the app refuses becomes one line in this UI's log. Nothing here
 * decides what the app decides. Plain TypeScript: no React, no Ink.
 */
import {
  FailureCode,
  isNotice,
  type AppCommand,
  type AppFailure,
  type OutcomeOf,
} from '../../app/commands.js';
import type {AppSession} from '../../app/session.js';
import {runningTransferOf, runningTransfers} from '../../app/transfer-rules.js';
import {commandFromText} from '../../app/user-input.js';
import type {LogLevel, TransferInfo} from '../../node/types.js';
import {describeError} from '../../protocol/errors.js';
import {keyContext, resolveSelected, type Lists} from '../model/key-context.js';
import {
  keyText,
  type ActionName,
  type Binding,
  type KeyContext,
} from '../model/key-table.js';
import {moveSelection, type Move} from '../model/selection.js';
import type {EditKey} from '../model/line-editor.js';
import {promptMode, type PromptKind} from '../model/ui-state.js';
import type {UiStore} from '../stores/ui-store.js';

export type KeyActionsInput = {
  session: AppSession;
  store: UiStore;
  /** A line in this UI's log pane alone. */
  note: (level: LogLevel, message: string) => void;
  lists: Lists;
  transfers: readonly TransferInfo[];
  /** Rows a PgUp/PgDn moves. */
  pageSize: number;
  /** Clears the terminal and draws the frame again. */
  redraw: () => void;
  /** Leaves the UI without waiting for the node (a second Ctrl-C while closing). */
  exitNow: () => void;
};

export type KeyActions = {
  /** The context as of this very key (not of the last render). */
  context: () => KeyContext;
  /** A key bound in this context. */
  run: (action: ActionName, key: string) => void;
  /** A bound key pressed where it does not apply (no row selected, ...). */
  refuse: (binding: Binding, key: string) => void;
  /** A key that means nothing while browsing. */
  unknown: (key: string) => void;
  /** Text typed or pasted into the open prompt, at its cursor. */
  insert: (text: string) => void;
  /** An editing key (Backspace, ←, Ctrl-W, ...) in the open prompt. */
  editKey: (key: EditKey) => void;
};

const MOVES: Record<string, Move> = {
  up: 'up',
  down: 'down',
  pageup: 'page-up',
  pagedown: 'page-down',
  home: 'first',
  end: 'last',
};

/** The key that helps with a refusal, said after it. */
const KEY_HINTS: Partial<Record<string, string>> = {
  [FailureCode.alreadyFetching]: 'c cancels it',
};

type Success<C extends AppCommand> = Extract<OutcomeOf<C>, {ok: true}>;

/** Handlers that read the latest input (`current()`) each time a key arrives. */
export function createKeyActions(current: () => KeyActionsInput): KeyActions {
  const note = (level: LogLevel, message: string): void => current().note(level, message);
  const dispatch: UiStore['dispatch'] = (action) => current().store.dispatch(action);
  const state = () => current().store.getState();
  const selected = () => resolveSelected(state(), current().lists);

  const showFailure = (failure: AppFailure): void => {
    const hint = KEY_HINTS[failure.code];
    note(
      isNotice(failure) ? 'info' : 'error',
      hint ? `${failure.message}; ${hint}` : failure.message,
    );
  };

  /** Runs a command without waiting; its refusal or failure is noted. */
  const execute = <C extends AppCommand>(
    command: C,
    done?: (outcome: Success<C>) => void,
    failed: (failure: AppFailure) => void = showFailure,
  ): void => {
    current()
      .session.execute(command)
      .then((outcome) => (outcome.ok ? done?.(outcome as Success<C>) : failed(outcome)))
      .catch((error: unknown) => note('error', describeError(error)));
  };

  const refusePrompt = (prompt: PromptKind, error: string): void => {
    dispatch({type: 'refuse', prompt, error});
    note('warn', `${prompt}: ${error}`);
  };

  const openPrompt = (prompt: PromptKind): void =>
    dispatch({type: 'open', mode: promptMode(prompt)});

  const move = (key: string): void => {
    const {focus} = state();
    const {lists, pageSize} = current();
    const keys = focus === 'files' ? lists.fileNames : lists.peerIds;
    const selection = moveSelection(keys, state()[focus], MOVES[key] ?? 'down', pageSize);
    dispatch({type: 'select', pane: focus, selection});
  };

  const fetch = (): void => {
    const {file} = selected();
    if (!file) return;
    const several = !file.local && file.owners.length > 1;
    if (several && !runningTransferOf(current().transfers, file.name)) {
      dispatch({
        type: 'open',
        mode: {kind: 'pick', name: file.name, owners: file.owners, index: 0},
      });
      return;
    }
    execute({kind: 'fetch', name: file.name});
  };

  /** Fetches from the highlighted source: item 0 is "any owner, each in turn". */
  const pick = (): void => {
    const {mode} = state();
    if (mode.kind !== 'pick') return;
    const owner = mode.owners[mode.index - 1];
    dispatch({type: 'close'});
    if (!current().lists.fileNames.includes(mode.name)) {
      note('warn', `${mode.name} is no longer listed`);
      return;
    }
    execute({kind: 'fetch', name: mode.name, ...(owner === undefined ? {} : {owner})});
  };

  const quit = (): void => {
    const {exitNow} = current();
    if (state().mode.kind === 'closing') {
      exitNow();
      return;
    }
    dispatch({type: 'open', mode: {kind: 'closing'}});
    // The UI exits when the app reports 'closed' (see useOnClosed).
    execute({kind: 'quit'}, undefined, (failure) => {
      showFailure(failure);
      exitNow();
    });
  };

  const submit = (prompt: PromptKind, value: string): void => {
    const reading = commandFromText(prompt, value);
    if (!reading.ok) {
      refusePrompt(prompt, reading.message);
      return;
    }
    if (prompt === 'add') {
      // The app checks the path; a bad one keeps the prompt open to fix it.
      dispatch({type: 'busy', prompt});
      const closeIfOpen = (): void => {
        const {mode} = state();
        if (mode.kind === 'prompt' && mode.prompt === 'add') dispatch({type: 'close'});
      };
      execute(reading.command, closeIfOpen, (failure) =>
        refusePrompt('add', failure.message),
      );
      return;
    }
    dispatch({type: 'close'});
    if (prompt === 'search') {
      dispatch({type: 'focus', focus: 'files'});
      dispatch({type: 'follow-search', key: value});
    }
    execute(reading.command);
  };

  const submitOpenPrompt = (): void => {
    const {mode} = state();
    if (mode.kind === 'prompt' && !mode.busy) submit(mode.prompt, mode.line.value);
  };

  const closeDialog = (): void => {
    const {mode} = state();
    dispatch({type: 'close'});
    if (mode.kind === 'prompt') note('info', `${mode.prompt}: cancelled`);
    if (mode.kind === 'pick') note('info', `fetch ${mode.name}: cancelled`);
    if (mode.kind === 'help') note('debug', 'help closed');
  };

  const actions: Record<ActionName, (key: string) => void> = {
    focus: () =>
      dispatch({type: 'focus', focus: state().focus === 'files' ? 'peers' : 'files'}),
    move,
    add: () => openPrompt('add'),
    search: () => openPrompt('search'),
    rebuild: () => openPrompt('rebuild'),
    fetch,
    cancel: () => {
      const name = selected().file?.name;
      execute({kind: 'cancel', ...(name === undefined ? {} : {name})});
    },
    remove: () => {
      const {peer} = selected();
      if (peer) dispatch({type: 'open', mode: {kind: 'confirm', peerId: peer.id}});
    },
    refresh: () => {
      current().redraw();
      execute({kind: 'refresh'});
    },
    help: () =>
      state().mode.kind === 'help'
        ? dispatch({type: 'close'})
        : dispatch({type: 'open', mode: {kind: 'help'}}),
    quit,
    submit: () => submitOpenPrompt(),
    close: closeDialog,
    confirm: () => {
      const {mode} = state();
      if (mode.kind !== 'confirm') return;
      dispatch({type: 'close'});
      execute({kind: 'remove', peerId: mode.peerId});
    },
    choose: (key) => dispatch({type: 'pick-move', delta: key === 'up' ? -1 : 1}),
    pick,
    reject: () => {
      const {mode} = state();
      if (mode.kind !== 'confirm') return;
      dispatch({type: 'close'});
      note('info', `kept peer ${mode.peerId}`);
    },
  };

  return {
    context: () =>
      keyContext(state(), selected(), runningTransfers(current().transfers).length > 0),
    run: (action, key) => actions[action](key),
    refuse: (binding, key) =>
      note(
        'info',
        `${keyText(key)} (${binding.label}): ${binding.unavailable ?? 'not here'}`,
      ),
    unknown: (key) => note('info', `${keyText(key)} does nothing here; ? lists the keys`),
    insert: (text) => dispatch({type: 'insert', text}),
    editKey: (key) => dispatch({type: 'edit-key', key}),
  };
}
