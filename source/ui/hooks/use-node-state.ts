import {useEffect, useMemo, useSyncExternalStore} from 'react';
import type {FilerNode} from '../../node/filer-node.js';
import {
  NodeStore,
  type NodeSnapshot,
  type NodeStoreOptions,
} from '../stores/node-store.js';

/**
 * The node as the UI sees it, re-rendered at most once per frame however many
 * events arrive. Subscribes to the node's events while mounted.
 */
export function useNodeState(node: FilerNode, options?: NodeStoreOptions): NodeSnapshot {
  const store = useMemo(
    () => new NodeStore(node, options),
    // Options are read once, as the store is made.
    [node],
  );
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** Calls `onClosed` once when the node has closed (by q, a signal, or elsewhere). */
export function useOnNodeClosed(closed: boolean, onClosed: () => void): void {
  useEffect(() => {
    if (closed) onClosed();
    // Only the transition matters.
  }, [closed]);
}
