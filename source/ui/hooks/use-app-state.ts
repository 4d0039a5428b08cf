import {useEffect, useMemo, useSyncExternalStore} from 'react';
import type {AppSession} from '../../app/session.js';
import {AppStore, type AppStoreOptions, type ViewSnapshot} from '../stores/app-store.js';

/**
 * The app as the UI sees it, re-rendered at most once per frame however many
 * events arrive, and the store (for this UI's own log lines). Follows the
 * session's events while mounted.
 */
export function useAppState(
  session: AppSession,
  options?: AppStoreOptions,
): {store: AppStore; snapshot: ViewSnapshot} {
  const store = useMemo(
    () => new AppStore(session, options),
    // Options are read once, as the store is made.
    [session],
  );
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  return {store, snapshot};
}

/** Calls `onClosed` once when the node has closed (by q, a signal, or elsewhere). */
export function useOnClosed(closed: boolean, onClosed: () => void): void {
  useEffect(() => {
    if (closed) onClosed();
    // Only the transition matters.
  }, [closed]);
}
