/**
 * What each key does. Keys that only move around the screen change the UI
 * state; the others become app commands, as headless input lines do, and
 * what the app refuses becomes one line in this UI's log. Nothing here
 * decides what the app decides. Plain TypeScript: no React, no Ink.
 */
import type {AppSession} from '../../app/session.js';
import {runningTransferOf, runningTransfers} from '../../app/transfer-rules.js';
import {commandFromText} from '../../app/user-input.js';
import type {LogLevel, TransferInfo} from '../../node/types.js';
import {keyContext, type Lists} from '../model/key-context.js';
import type {ActionName, Binding, KeyContext} from '../model/key-binding.js';
import {keyText} from '../model/key-lookup.js';
import {scrollTop} from '../model/scroll-window.js';
import {moveSelection, type Move} from '../model/selection.js';
import {lineOf, type EditKey} from '../model/line-editor.js';
import {LOG_LEVELS} from '../model/log-lines.js';
import {nextOf, SHOW_FILTERS, SORT_KEYS} from '../model/file-arrangement.js';
import {promptMode, type PromptKind, type Question} from '../model/ui-state.js';
import type {UiStore} from '../stores/ui-store.js';
import {createActionKit} from './action-kit.js';
import {createLeaveActions} from './leave-actions.js';

export type KeyActionsInput = {
  session: AppSession;
  store: UiStore;
  /** A line in this UI's log pane alone. */
  note: (level: LogLevel, message: string) => void;
  lists: Lists;
  transfers: readonly TransferInfo[];
  /** Rows a PgUp/PgDn moves. */
  pageSize: number;
  /** Lines the log view holds at its level and width, and how many it shows at once. */
  logLines: number;
  logPage: number;
  /** Lines of the help, and how many show at once. */
  helpLines: number;
  /** Debug lines are shown (--verbose): the log view starts at debug. */
  verbose: boolean;
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
  k: 'up',
  j: 'down',
  g: 'first',
  G: 'last',
};

/** Cancelling a transfer at least this big (or this far) asks first. */
export const LARGE_TRANSFER_BYTES = 64 * 1024 * 1024;

/** Handlers that read the latest input (`current()`) each time a key arrives. */
export function createKeyActions(current: () => KeyActionsInput): KeyActions {
  const kit = createActionKit(current);
  const {note, dispatch, state, selected, execute} = kit;
  const {quitNow, quit, detach, toggleKeepRunning} = createLeaveActions(kit);

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

  /** The selected file's transfer, else the newest; a large one asks first. */
  const cancel = (): void => {
    const {transfers} = current();
    const name = selected().file?.name;
    const target =
      (name === undefined ? undefined : runningTransferOf(transfers, name)) ??
      runningTransfers(transfers).at(-1);
    const size = target ? Math.max(target.total ?? 0, target.received) : 0;
    if (target && size >= LARGE_TRANSFER_BYTES) {
      dispatch({
        type: 'open',
        mode: {
          kind: 'confirm',
          ask: {action: 'cancel', name: target.name, transferId: target.id, size},
        },
      });
      return;
    }
    execute({kind: 'cancel', ...(name === undefined ? {} : {name})});
  };

  const answer = (yes: boolean): void => {
    const {mode} = state();
    if (mode.kind !== 'confirm') return;
    dispatch({type: 'close'});
    const ask: Question = mode.ask;
    if (!yes) {
      note(
        'info',
        ask.action === 'remove' ? `kept peer ${ask.peerId}` : `${ask.action}: not now`,
      );
      return;
    }
    if (ask.action === 'remove') execute({kind: 'remove', peerId: ask.peerId});
    else if (ask.action === 'quit') quitNow();
    else execute({kind: 'cancel', transferId: ask.transferId});
  };

  /** Scrolls the help, or the log view (which counts from its newest line). */
  const scroll = (key: string): void => {
    const {mode} = state();
    const {helpLines, logLines, logPage} = current();
    if (mode.kind === 'help') {
      dispatch({
        type: 'help-scroll',
        offset: scrollTop(key, mode.offset, helpLines, logPage),
      });
    } else if (mode.kind === 'log') {
      const most = Math.max(logLines - logPage, 0);
      const top = most - Math.min(mode.fromEnd, most);
      dispatch({
        type: 'log-scroll',
        fromEnd: most - scrollTop(key, top, logLines, logPage),
      });
    }
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
    if (mode.kind === 'prompt' && mode.prompt === 'add' && mode.busy) {
      // A directory being walked: stop it; the add's outcome closes the prompt.
      note('info', 'add: stopping; what was shared so far stays shared');
      execute({kind: 'cancel-add'});
      return;
    }
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
    cancel,
    remove: () => {
      const {peer} = selected();
      if (peer) {
        dispatch({
          type: 'open',
          mode: {kind: 'confirm', ask: {action: 'remove', peerId: peer.id}},
        });
      }
    },
    'browse-peer': () => {
      const {peer} = selected();
      if (peer) execute({kind: 'browse', peerId: peer.id});
    },
    filter: () => {
      const {focus, arrangement, peerFilter} = state();
      const kept = focus === 'files' ? arrangement.filter : peerFilter;
      dispatch({type: 'open', mode: {kind: 'filter', pane: focus, line: lineOf(kept)}});
    },
    'keep-filter': () => dispatch({type: 'end-filter', keep: true}),
    'clear-filter': () => dispatch({type: 'end-filter', keep: false}),
    sort: () =>
      dispatch({
        type: 'arrange',
        change: {sort: nextOf(SORT_KEYS, state().arrangement.sort), reverse: false},
      }),
    reverse: () =>
      dispatch({type: 'arrange', change: {reverse: !state().arrangement.reverse}}),
    show: () =>
      dispatch({
        type: 'arrange',
        change: {show: nextOf(SHOW_FILTERS, state().arrangement.show)},
      }),
    log: () =>
      state().mode.kind === 'log'
        ? dispatch({type: 'close'})
        : dispatch({
            type: 'open',
            mode: {kind: 'log', fromEnd: 0, level: current().verbose ? 'debug' : 'info'},
          }),
    scroll,
    level: () => {
      const {mode} = state();
      if (mode.kind === 'log')
        dispatch({type: 'log-level', level: nextOf(LOG_LEVELS, mode.level)});
    },
    refresh: () => {
      current().redraw();
      execute({kind: 'refresh'});
    },
    help: () =>
      state().mode.kind === 'help'
        ? dispatch({type: 'close'})
        : dispatch({type: 'open', mode: {kind: 'help', offset: 0}}),
    quit,
    detach,
    'keep-running': toggleKeepRunning,
    'stop-node': quitNow,
    submit: () => submitOpenPrompt(),
    close: closeDialog,
    confirm: () => answer(true),
    choose: (key) => dispatch({type: 'pick-move', delta: key === 'up' ? -1 : 1}),
    pick,
    reject: () => answer(false),
  };

  return {
    context: () =>
      keyContext(
        state(),
        selected(),
        runningTransfers(current().transfers).length > 0,
        current().session.control !== undefined,
      ),
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
