import {useInput} from 'ink';
import {useCallback, useRef} from 'react';
import type {KeyActions} from '../controller/key-actions.js';
import {keyNames} from '../model/key-names.js';
import {matchKey} from '../model/key-table.js';

/** What the keymap needs of the key actions. */
export type KeymapHandlers = Omit<KeyActions, 'edit'>;

/**
 * Routes key presses through the key table. Keys that arrive in one burst
 * (a fast typist, a paste, a slow SSH link) are taken one by one, each in the
 * context the keys before it left. Text typed into a prompt goes to its text
 * input, except in the moment between opening the prompt and the input
 * listening, when it is put in from here.
 */
export function useKeymap(handlers: KeymapHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;

  const onKeys = useCallback((names: readonly string[]): void => {
    const handlers = latest.current;
    for (const name of names) {
      const context = handlers.context();
      if (context.mode === 'prompt' && handlers.promptListening()) {
        // The text input has this burst; a line end in it submits the
        // prompt (see the key actions' edit). Lone keys are still ours.
        if (names.length > 1) return;
      } else if (context.mode === 'prompt' && [...name].length === 1) {
        handlers.type(name);
        continue;
      } else if (
        context.mode === 'prompt' &&
        (name === 'backspace' || name === 'delete')
      ) {
        handlers.erase();
        continue;
      }
      const match = matchKey(name, context);
      if (match.kind === 'action') handlers.run(match.binding.action, name);
      else if (match.kind === 'unavailable') handlers.refuse(match.binding, name);
      else if (context.mode === 'browse') handlers.unknown(name);
    }
  }, []);

  useInput(useCallback((input, key) => onKeys(keyNames(input, key)), [onKeys]));
}
