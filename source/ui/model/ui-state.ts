import type {Focus, PromptAction} from './key-binding.js';
import {
  applyEditKey,
  EMPTY_LINE,
  insertText,
  type EditKey,
  type LineState,
} from './line-editor.js';
import {NO_SELECTION, type Selection} from './selection.js';
import {DEFAULT_ARRANGEMENT, type FileArrangement} from './file-arrangement.js';
import type {LogLevel} from '../../node/types.js';

export type PromptKind = PromptAction;

export type Mode =
  | {kind: 'browse'}
  | {
      kind: 'prompt';
      prompt: PromptKind;
      line: LineState;
      /** Why the last submit was refused; the prompt stays open. */
      error?: string;
      /** A submit is being checked (the add prompt walks the path). */
      busy?: boolean;
    }
  | {kind: 'confirm'; ask: Question}
  /** Typing the filter of a pane's list; the list follows each key. */
  | {kind: 'filter'; pane: Focus; line: LineState}
  /** The full-screen log, `fromEnd` lines up from the newest, at `level` and above. */
  | {kind: 'log'; fromEnd: number; level: LogLevel}
  | {
      kind: 'pick';
      name: string;
      owners: string[];
      /** The highlighted item: 0 is "any owner", then each owner. */
      index: number;
    }
  /** The help, scrolled to `offset`. */
  | {kind: 'help'; offset: number}
  /** q while the node would keep running (docs/daemon.md): stop it, or close only this UI? */
  | {kind: 'leave'}
  | {kind: 'closing'};

/** What a y/n dialog asks before doing it. */
export type Question =
  | {action: 'remove'; peerId: string}
  | {action: 'quit'; running: number}
  | {action: 'cancel'; name: string; transferId: number; size: number};

export type UiState = {
  focus: Focus;
  mode: Mode;
  files: Selection;
  peers: Selection;
  /** Filter, sort and which files Available Files shows. */
  arrangement: FileArrangement;
  peerFilter: string;
  /** The key just searched for: its first result gets selected unless the user moves first. */
  followSearch: string | undefined;
};

export type UiAction =
  | {type: 'focus'; focus: Focus}
  | {type: 'select'; pane: Focus; selection: Selection}
  | {type: 'open'; mode: Mode}
  | {type: 'insert'; text: string}
  | {type: 'edit-key'; key: EditKey}
  | {type: 'busy'; prompt: PromptKind}
  | {type: 'refuse'; prompt: PromptKind; error: string}
  | {type: 'pick-move'; delta: number}
  | {type: 'close'}
  | {type: 'follow-search'; key: string}
  | {type: 'arrange'; change: Partial<FileArrangement>}
  /** Ends the filter prompt: Enter keeps what was typed, Esc clears it. */
  | {type: 'end-filter'; keep: boolean}
  | {type: 'log-scroll'; fromEnd: number}
  | {type: 'help-scroll'; offset: number}
  | {type: 'log-level'; level: LogLevel};

export const INITIAL_UI_STATE: UiState = {
  focus: 'files',
  mode: {kind: 'browse'},
  files: NO_SELECTION,
  peers: NO_SELECTION,
  arrangement: DEFAULT_ARRANGEMENT,
  peerFilter: '',
  followSearch: undefined,
};

export function uiReducer(state: UiState, action: UiAction): UiState {
  switch (action.type) {
    case 'focus':
      return state.focus === action.focus ? state : {...state, focus: action.focus};
    case 'select':
      return {
        ...state,
        [action.pane]: action.selection,
        followSearch: undefined,
      };
    case 'open':
      // Closing is final: nothing opens over it.
      return state.mode.kind === 'closing' ? state : {...state, mode: action.mode};
    case 'insert':
      return editLine(state, (line) => insertText(line, action.text));
    case 'edit-key':
      return editLine(state, (line) => applyEditKey(line, action.key));
    case 'busy':
      return state.mode.kind === 'prompt' && state.mode.prompt === action.prompt
        ? {...state, mode: {...state.mode, busy: true, error: undefined}}
        : state;
    case 'refuse':
      // Only the prompt that was submitted: the user may have moved on.
      return state.mode.kind === 'prompt' && state.mode.prompt === action.prompt
        ? {...state, mode: {...state.mode, busy: false, error: action.error}}
        : state;
    case 'pick-move': {
      if (state.mode.kind !== 'pick') return state;
      // The list wraps around at its ends.
      const items = state.mode.owners.length + 1;
      const index = (((state.mode.index + action.delta) % items) + items) % items;
      return {...state, mode: {...state.mode, index}};
    }
    case 'close':
      return state.mode.kind === 'closing' ? state : {...state, mode: {kind: 'browse'}};
    case 'follow-search':
      return {...state, followSearch: action.key};
    case 'arrange':
      return {...state, arrangement: {...state.arrangement, ...action.change}};
    case 'end-filter': {
      const {mode} = state;
      if (mode.kind !== 'filter') return state;
      const filter = action.keep ? mode.line.value.trim() : '';
      const browsing = {...state, mode: {kind: 'browse'} as const};
      return mode.pane === 'files'
        ? {...browsing, arrangement: {...state.arrangement, filter}}
        : {...browsing, peerFilter: filter};
    }
    case 'log-scroll':
      return state.mode.kind === 'log'
        ? {...state, mode: {...state.mode, fromEnd: Math.max(action.fromEnd, 0)}}
        : state;
    case 'help-scroll':
      return state.mode.kind === 'help'
        ? {...state, mode: {...state.mode, offset: Math.max(action.offset, 0)}}
        : state;
    case 'log-level':
      return state.mode.kind === 'log'
        ? {...state, mode: {...state.mode, level: action.level, fromEnd: 0}}
        : state;
  }
}

/** A prompt opened empty. */
export function promptMode(prompt: PromptKind): Mode {
  return {kind: 'prompt', prompt, line: EMPTY_LINE};
}

/** The filter a list is shown with: the one being typed, else the one kept. */
export function liveFilter(state: UiState, pane: Focus): string {
  const {mode} = state;
  if (mode.kind === 'filter' && mode.pane === pane) return mode.line.value.trim();
  return pane === 'files' ? state.arrangement.filter : state.peerFilter;
}

/** Edits the open prompt's or filter's line (not while a submit is being checked). */
function editLine(state: UiState, edit: (line: LineState) => LineState): UiState {
  const {mode} = state;
  if (mode.kind === 'filter') {
    const line = edit(mode.line);
    if (line.value === mode.line.value && line.cursor === mode.line.cursor) return state;
    return {...state, mode: {...mode, line}};
  }
  if (mode.kind !== 'prompt' || mode.busy) return state;
  const line = edit(mode.line);
  if (line.value === mode.line.value && line.cursor === mode.line.cursor) return state;
  return {...state, mode: {...mode, line, error: undefined}};
}
