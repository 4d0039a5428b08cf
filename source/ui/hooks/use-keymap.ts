import {useInput} from 'ink';
import {useCallback, useRef} from 'react';
import type {KeyActions} from '../controller/key-actions.js';
import {routeKeys} from '../controller/route-keys.js';
import {keyNames} from '../model/key-names.js';

/**
 * Routes key presses through the key table (see routeKeys). Keys that arrive
 * in one burst (a fast typist, a paste, a slow SSH link) are taken one by
 * one, each in the context the keys before it left.
 */
export function useKeymap(handlers: KeyActions): void {
  const latest = useRef(handlers);
  latest.current = handlers;
  useInput(
    useCallback((input, key) => routeKeys(keyNames(input, key), latest.current), []),
  );
}
