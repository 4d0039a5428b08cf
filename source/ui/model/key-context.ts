/** What is selected, and so which keys work: read from the UI state and the lists shown. */
import type {FileEntry, PeerInfo} from '../../node/types.js';
import type {KeyContext} from './key-binding.js';
import {resolveIndex} from './selection.js';
import type {UiState} from './ui-state.js';

export type Lists = {
  files: readonly FileEntry[];
  peers: readonly PeerInfo[];
  fileNames: readonly string[];
  peerIds: readonly string[];
};

export type Selected = {
  /** -1 when the list is empty. */
  fileIndex: number;
  peerIndex: number;
  file: FileEntry | undefined;
  peer: PeerInfo | undefined;
};

export function resolveSelected(state: UiState, lists: Lists): Selected {
  const fileIndex = resolveIndex(lists.fileNames, state.files);
  const peerIndex = resolveIndex(lists.peerIds, state.peers);
  return {
    fileIndex,
    peerIndex,
    file: fileIndex === -1 ? undefined : lists.files[fileIndex],
    peer: peerIndex === -1 ? undefined : lists.peers[peerIndex],
  };
}

/** What the keys can do, given the UI state, the selection and whether a transfer runs. */
export function keyContext(
  state: UiState,
  selected: Selected,
  transferRunning: boolean,
  detachable = false,
): KeyContext {
  return {
    mode: state.mode.kind,
    focus: state.focus,
    fileSelected: selected.file !== undefined,
    peerSelected: selected.peer !== undefined,
    transferRunning,
    detachable,
  };
}
