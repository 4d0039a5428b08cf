/**
 * Where each key of a burst goes, in order: in a text prompt, typed text and
 * editing keys edit its line and the rest (Enter, Esc, Ctrl-C) go by the key
 * table; elsewhere every key goes by the key table. Each key sees the state
 * the keys before it left, because the handlers read the UI store, not the
 * last render.
 */
import {isEditKey} from '../model/line-editor.js';
import {matchKey} from '../model/key-lookup.js';
import type {KeyActions} from './key-actions.js';

export type KeyRouting = Pick<
  KeyActions,
  'context' | 'run' | 'refuse' | 'unknown' | 'insert' | 'editKey'
>;

/** One typed character (names of special keys are longer: 'up', 'ctrl-w'). */
function isTypedText(name: string): boolean {
  return [...name].length === 1;
}

export function routeKeys(names: readonly string[], handlers: KeyRouting): void {
  // Typed text is inserted in runs, so a paste arrives whole.
  let text = '';
  const flush = (): void => {
    if (text !== '') handlers.insert(text);
    text = '';
  };
  for (const name of names) {
    const context = handlers.context();
    if (context.mode === 'prompt' || context.mode === 'filter') {
      if (isTypedText(name)) {
        text += name;
        continue;
      }
      flush();
      if (isEditKey(name)) {
        handlers.editKey(name);
        continue;
      }
    }
    const match = matchKey(name, context);
    if (match.kind === 'action') handlers.run(match.binding.action, name);
    else if (match.kind === 'unavailable') handlers.refuse(match.binding, name);
    else if (context.mode === 'browse') handlers.unknown(name);
  }
  flush();
}
