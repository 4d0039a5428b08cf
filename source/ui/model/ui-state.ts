import type {Focus, PromptAction} from './key-table.js';
import {NO_SELECTION, type Selection} from './selection.js';

export type PromptKind = PromptAction;

export type Mode =
  | {kind: 'browse'}
  | {
      kind: 'prompt';
      prompt: PromptKind;
      value: string;
      /** Why the last submit was refused; the prompt stays open. */
      error?: string;
      /** A submit is being checked (the add prompt walks the path). */
      busy?: boolean;
      /** Bumped when text arrives other than by typing into the input, to remount it. */
      revision: number;
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
  | {type: 'edit'; value: string}
  | {type: 'append'; text: string}
  | {type: 'erase'}
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
    case 'edit':
      return state.mode.kind === 'prompt'
        ? {...state, mode: {...state.mode, value: action.value, error: undefined}}
        : state;
    case 'append':
      return state.mode.kind === 'prompt'
        ? {
            ...state,
            mode: {
              ...state.mode,
              value: state.mode.value + action.text,
              error: undefined,
              revision: state.mode.revision + 1,
            },
          }
        : state;
    case 'erase':
      return state.mode.kind === 'prompt'
        ? {
            ...state,
            mode: {
              ...state.mode,
              value: [...state.mode.value].slice(0, -1).join(''),
              revision: state.mode.revision + 1,
            },
          }
        : state;
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
