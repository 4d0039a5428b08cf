import os from 'node:os';
import path from 'node:path';
import {useMemo, useRef} from 'react';
import type {FilerNode} from '../../node/filer-node.js';
import type {FileEntry, LogLevel} from '../../node/types.js';
import {describeError} from '../../protocol/errors.js';
import {parsePeerId} from '../../protocol/messages.js';
import {keyText, type ActionName, type KeyContext} from '../model/key-table.js';
import {moveSelection, type Move} from '../model/selection.js';
import type {PromptKind, UiState} from '../model/ui-state.js';
import type {UiStore} from '../stores/ui-store.js';
import type {KeymapHandlers} from './use-keymap.js';
import {cancelTarget, type Transfers} from './use-transfers.js';
import {resolveSelected, type Lists, type Selected} from './use-ui-state.js';

export type CommandsInput = {
  node: FilerNode;
  store: UiStore;
  lists: Lists;
  transfers: Transfers;
  /** Rows a PgUp/PgDn moves. */
  pageSize: number;
  /** Clears the terminal and draws the frame again. */
  redraw: () => void;
  /** Leaves the UI without waiting for the node (a second Ctrl-C while closing). */
  exitNow: () => void;
};

export type Commands = KeymapHandlers & {
  /** The prompt's text input changed; a pasted line end submits it. */
  edit: (value: string) => void;
  /** The source list's choice: an owner, or undefined for "try each in turn". */
  pick: (owner: string | undefined) => void;
};

const MOVES: Record<string, Move> = {
  up: 'up',
  down: 'down',
  pageup: 'page-up',
  pagedown: 'page-down',
  home: 'first',
  end: 'last',
};

const EMPTY: Record<PromptKind, string> = {
  add: 'type the path of a file or directory to share',
  search: 'type a part of the name to search for',
  rebuild: 'type the host:port of a peer to join through',
};

/** What the keys can do, given the UI state and what is selected. */
export function keyContext(
  state: UiState,
  selected: Selected,
  transfers: Transfers,
): KeyContext {
  return {
    mode: state.mode.kind,
    focus: state.focus,
    fileSelected: selected.file !== undefined,
    peerSelected: selected.peer !== undefined,
    transferRunning: transfers.running.length > 0,
  };
}

/**
 * What each key does to the node. Every action leaves a log line, and every
 * error from the node becomes one log line, never an exception. The handlers
 * are stable and read the UI store and the latest render's lists when called.
 */
export function useCommands(input: CommandsInput): Commands {
  const latest = useRef(input);
  latest.current = input;
  return useMemo(() => makeCommands(() => latest.current), []);
}

function makeCommands(current: () => CommandsInput): Commands {
  const log = (level: LogLevel, message: string): void =>
    current().node.log(level, message);
  const logError =
    (what: string) =>
    (error: unknown): void =>
      log('error', `${what}: ${describeError(error)}`);
  const dispatch: UiStore['dispatch'] = (action) => current().store.dispatch(action);
  const state = () => current().store.getState();
  const selected = () => resolveSelected(state(), current().lists);

  const openPrompt = (prompt: PromptKind): void =>
    dispatch({type: 'open', mode: {kind: 'prompt', prompt, value: '', revision: 0}});

  const move = (key: string): void => {
    const {focus} = state();
    const {lists, pageSize} = current();
    const keys = focus === 'files' ? lists.fileNames : lists.peerIds;
    const selection = moveSelection(keys, state()[focus], MOVES[key] ?? 'down', pageSize);
    dispatch({type: 'select', pane: focus, selection});
  };

  const fetch = (file: FileEntry, owner?: string): void => {
    if (current().transfers.byName.has(file.name)) {
      log('info', `already fetching ${file.name}; c cancels it`);
      return;
    }
    try {
      // The node logs the start and the end; the promise is not needed here.
      current().node.startFetch(file.name, owner);
    } catch (error) {
      logError(`cannot fetch ${file.name}`)(error);
    }
  };

  const startFetch = (): void => {
    const {file} = selected();
    if (!file) return;
    if (
      !file.local &&
      file.owners.length > 1 &&
      !current().transfers.byName.has(file.name)
    ) {
      dispatch({
        type: 'open',
        mode: {kind: 'pick', name: file.name, owners: file.owners},
      });
      return;
    }
    fetch(file);
  };

  const cancel = (): void => {
    const {node, transfers} = current();
    const target = cancelTarget(transfers, selected().file?.name);
    if (!target) {
      log('info', 'no transfer to cancel');
    } else if (node.cancelTransfer(target.id)) {
      log('info', `cancelling the transfer of ${target.name}`);
    } else {
      log('info', `the transfer of ${target.name} already ended`);
    }
  };

  const refresh = (): void => {
    const {node, redraw} = current();
    const count = node.peers().length;
    log('info', `refresh: checking ${count} peer(s)`);
    redraw();
    node
      .checkPeers()
      .then(
        () => log('info', `refresh: ${node.peers().length} of ${count} peer(s) alive`),
        logError('refresh failed'),
      );
  };

  const quit = (): void => {
    const {node, exitNow} = current();
    if (state().mode.kind === 'closing') {
      exitNow();
      return;
    }
    dispatch({type: 'open', mode: {kind: 'closing'}});
    log('info', `quitting: sending QUIT to ${node.peers().length} peer(s)`);
    // The UI exits when the node reports 'closed' (see useOnNodeClosed).
    node.close().catch((error: unknown) => {
      logError('close failed')(error);
      exitNow();
    });
  };

  const submit = (prompt: PromptKind, value: string): void => {
    const {node} = current();
    const text = value.trim();
    const refuse = (error: string): void => {
      dispatch({type: 'refuse', prompt, error});
      log('warn', `${prompt}: ${error}`);
    };
    if (text === '') {
      refuse(EMPTY[prompt]);
      return;
    }
    if (prompt === 'search') {
      // Leading and trailing spaces can be part of a name: search as typed.
      dispatch({type: 'close'});
      dispatch({type: 'focus', focus: 'files'});
      dispatch({type: 'follow-search', key: value});
      node.search(value).catch(logError(`search "${value}" failed`));
      return;
    }
    if (prompt === 'rebuild') {
      const address = parsePeerId(text);
      if (!address) {
        refuse(`"${text}" is not host:port (for example 192.168.1.20:9000)`);
        return;
      }
      dispatch({type: 'close'});
      const contact = `${address.host}:${address.port}`;
      log('info', `rebuild: joining through ${contact} (3 hops)`);
      node
        .rebuild(address.host, address.port)
        .then(
          (added) =>
            log(
              added > 0 ? 'info' : 'warn',
              `rebuild: ${added} peer(s) added via ${contact}`,
            ),
          logError(`rebuild through ${contact} failed`),
        );
      return;
    }
    // add: the node checks the path; a bad one keeps the prompt open to fix it.
    dispatch({type: 'busy', prompt});
    node.addShare(expandHome(text)).then(
      () => {
        const {mode} = state();
        if (mode.kind === 'prompt' && mode.prompt === 'add') dispatch({type: 'close'});
      },
      (error: unknown) => refuse(describeError(error)),
    );
  };

  const submitOpenPrompt = (value?: string): void => {
    const {mode} = state();
    if (mode.kind === 'prompt' && !mode.busy) submit(mode.prompt, value ?? mode.value);
  };

  const closeDialog = (): void => {
    const {mode} = state();
    dispatch({type: 'close'});
    if (mode.kind === 'prompt') log('info', `${mode.prompt}: cancelled`);
    if (mode.kind === 'pick') log('info', `fetch ${mode.name}: cancelled`);
    if (mode.kind === 'help') log('debug', 'help closed');
  };

  const actions: Record<ActionName, (key: string) => void> = {
    focus: () =>
      dispatch({type: 'focus', focus: state().focus === 'files' ? 'peers' : 'files'}),
    move,
    add: () => openPrompt('add'),
    search: () => openPrompt('search'),
    rebuild: () => openPrompt('rebuild'),
    fetch: startFetch,
    cancel,
    remove: () => {
      const {peer} = selected();
      if (peer) dispatch({type: 'open', mode: {kind: 'confirm', peerId: peer.id}});
    },
    refresh,
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
      log('info', `removing peer ${mode.peerId} (sending QUIT)`);
      current()
        .node.removePeer(mode.peerId)
        .catch(logError(`cannot remove ${mode.peerId}`));
    },
    reject: () => {
      const {mode} = state();
      if (mode.kind !== 'confirm') return;
      dispatch({type: 'close'});
      log('info', `kept peer ${mode.peerId}`);
    },
  };

  return {
    context: () => keyContext(state(), selected(), current().transfers),
    run: (action, key) => actions[action](key),
    refuse: (binding, key) =>
      log(
        'info',
        `${keyText(key)} (${binding.label}): ${binding.unavailable ?? 'not here'}`,
      ),
    unknown: (key) => log('info', `${keyText(key)} does nothing here; ? lists the keys`),
    promptListening: () => current().store.isPromptListening(),
    type: (text) => dispatch({type: 'append', text}),
    erase: () => dispatch({type: 'erase'}),
    edit: (value) => {
      const lineEnd = value.search(/[\r\n]/);
      if (lineEnd === -1) {
        dispatch({type: 'edit', value});
        return;
      }
      // A pasted line, or keys that arrived with Enter in one burst.
      const line = value.slice(0, lineEnd);
      dispatch({type: 'edit', value: line});
      submitOpenPrompt(line);
    },
    pick: (owner) => {
      const {mode} = state();
      if (mode.kind !== 'pick') return;
      dispatch({type: 'close'});
      const file = current().lists.files.find((entry) => entry.name === mode.name);
      if (!file) {
        log('warn', `${mode.name} is no longer listed`);
        return;
      }
      fetch(file, owner);
    },
  };
}

function expandHome(text: string): string {
  if (text === '~') return os.homedir();
  if (text.startsWith('~/')) return path.join(os.homedir(), text.slice(2));
  return text;
}
