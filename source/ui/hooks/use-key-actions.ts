import {useMemo, useRef} from 'react';
import {
  createKeyActions,
  type KeyActions,
  type KeyActionsInput,
} from '../controller/key-actions.js';

/**
 * The key handlers, stable across renders: they read the UI store and the
 * latest render's lists when a key arrives.
 */
export function useKeyActions(input: KeyActionsInput): KeyActions {
  const latest = useRef(input);
  latest.current = input;
  return useMemo(() => createKeyActions(() => latest.current), []);
}
