import {useInput} from 'ink';
import {useCallback, useRef} from 'react';
import {keyNames} from '../model/key-names.js';
import {
  matchKey,
  type ActionName,
  type Binding,
  type KeyContext,
} from '../model/key-table.js';

export type KeymapHandlers = {
  /** The context as of this very key (not of the last render). */
  context: () => KeyContext;
  /** A key bound in this context. */
  run: (action: ActionName, key: string) => void;
  /** A bound key pressed where it does not apply (no row selected, ...). */
  refuse: (binding: Binding, key: string) => void;
  /** A key that means nothing while browsing. */
  unknown: (key: string) => void;
  /** Whether the open prompt's text input receives keys by itself yet. */
  promptListening: () => boolean;
  /** Text for a prompt whose input is not listening yet. */
  type: (text: string) => void;
  erase: () => void;
};

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
        // prompt (see use-commands' edit). Lone keys are still ours.
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
