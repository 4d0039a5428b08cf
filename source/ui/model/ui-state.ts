import type {Focus, PromptAction} from './key-table.js';
import {
  applyEditKey,
  EMPTY_LINE,
  insertText,
  type EditKey,
  type LineState,
} from './line-editor.js';
import {NO_SELECTION, type Selection} from './selection.js';

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
  | {kind: 'confirm'; peerId: string}
  | {
      kind: 'pick';
      name: string;
      owners: string[];
      /** The highlighted item: 0 is "any owner", then each owner. */
      index: number;
    }
  | {kind: 'help'}
  | {kind: 'closing'};

export type UiState = {
  focus: Focus;
  mode: Mode;
  files: Selection;
  peers: Selection;
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
  | {type: 'follow-search'; key: string};

export const INITIAL_UI_STATE: UiState = {
  focus: 'files',
  mode: {kind: 'browse'},
  files: NO_SELECTION,
  peers: NO_SELECTION,
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
      // The list wraps around at its ends, as ink-select-input's own did.
      const items = state.mode.owners.length + 1;
      const index = (((state.mode.index + action.delta) % items) + items) % items;
      return {...state, mode: {...state.mode, index}};
    }
    case 'close':
      return state.mode.kind === 'closing' ? state : {...state, mode: {kind: 'browse'}};
    case 'follow-search':
      return {...state, followSearch: action.key};
  }
}

/** A prompt opened empty. */
export function promptMode(prompt: PromptKind): Mode {
  return {kind: 'prompt', prompt, line: EMPTY_LINE};
}

/** Edits the open prompt's line (not while its submit is being checked). */
function editLine(state: UiState, edit: (line: LineState) => LineState): UiState {
  const {mode} = state;
  if (mode.kind !== 'prompt' || mode.busy) return state;
  const line = edit(mode.line);
  if (line.value === mode.line.value && line.cursor === mode.line.cursor) return state;
  return {...state, mode: {...mode, line, error: undefined}};
}
