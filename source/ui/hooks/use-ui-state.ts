import {useEffect, useMemo, useSyncExternalStore} from 'react';
import {resolveSelected, type Lists, type Selected} from '../model/key-context.js';
import type {ViewSnapshot} from '../stores/app-store.js';
import {selectIndex} from '../model/selection.js';
import {liveFilter, type UiState} from '../model/ui-state.js';
import {arrangeFiles, filterPeers} from '../model/file-arrangement.js';
import {UiStore} from '../stores/ui-store.js';

export type UiView = {store: UiStore; state: UiState; lists: Lists; selected: Selected};

/** Focus, mode and selections, with the selections resolved against the lists shown. */
export function useUiState(snapshot: ViewSnapshot): UiView {
  const store = useMemo(() => new UiStore(), []);
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const {search} = snapshot;
  const filesFilter = liveFilter(state, 'files');
  const peersFilter = liveFilter(state, 'peers');
  const {sort, reverse, show} = state.arrangement;
  const files = useMemo(
    () =>
      arrangeFiles(
        snapshot.files,
        {filter: filesFilter, sort, reverse, show},
        search?.names,
      ),
    [snapshot.files, filesFilter, sort, reverse, show, search],
  );
  const peers = useMemo(
    () => filterPeers(snapshot.peers, peersFilter),
    [snapshot.peers, peersFilter],
  );
  const fileNames = useMemo(() => files.map((file) => file.name), [files]);
  const peerIds = useMemo(() => peers.map((peer) => peer.id), [peers]);
  const lists = useMemo(
    () => ({files, peers, fileNames, peerIds}),
    [files, peers, fileNames, peerIds],
  );
  const selected = useMemo(
    () => resolveSelected(state, lists),
    [state.files, state.peers, lists],
  );

  // After a search, jump to its first result unless the user moved meanwhile.
  const {followSearch} = state;
  useEffect(() => {
    if (followSearch === undefined || search?.key !== followSearch) return;
    const index = fileNames.findIndex((name) => search.names.has(name));
    if (index === -1) return;
    store.dispatch({
      type: 'select',
      pane: 'files',
      selection: selectIndex(fileNames, index),
    });
  }, [store, followSearch, search, fileNames]);

  return {store, state, lists, selected};
}
