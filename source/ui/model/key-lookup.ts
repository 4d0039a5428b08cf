/**
 * Questions asked of the key table (key-table.ts): what a key does in this
 * context, what the key bar shows, how keys are written, which bindings a
 * help section lists.
 */
import type {Binding, KeyContext, Section} from './key-binding.js';
import {KEY_TABLE} from './key-table.js';

const KEY_TEXT: Record<string, string> = {
  up: '↑',
  down: '↓',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  tab: 'Tab',
  'shift-tab': 'Shift-Tab',
  enter: 'Enter',
  escape: 'Esc',
  delete: 'Del',
  'ctrl-c': 'Ctrl-C',
  'ctrl-l': 'Ctrl-L',
};

export function keyText(name: string): string {
  return KEY_TEXT[name] ?? name;
}

/** All of a binding's keys, as the help overlay shows them. */
export function bindingKeysText(binding: Binding): string {
  return binding.keys.map(keyText).join(' ');
}

export function isAvailable(binding: Binding, context: KeyContext): boolean {
  return binding.modes.includes(context.mode) && (binding.when?.(context) ?? true);
}

export type KeyMatch =
  | {kind: 'action'; binding: Binding}
  | {kind: 'unavailable'; binding: Binding}
  | {kind: 'unbound'};

/** What a key does in this context. */
export function matchKey(name: string, context: KeyContext): KeyMatch {
  let unavailable: Binding | undefined;
  for (const binding of KEY_TABLE) {
    if (!binding.keys.includes(name) || !binding.modes.includes(context.mode)) continue;
    if (!isAvailable(binding, context)) {
      unavailable ??= binding;
      continue;
    }
    return {kind: 'action', binding};
  }
  return unavailable ? {kind: 'unavailable', binding: unavailable} : {kind: 'unbound'};
}

export type BarItem = {keys: string; label: string};

/** The key bar: every binding that works right now, in table order. */
export function barItems(context: KeyContext): BarItem[] {
  return KEY_TABLE.filter(
    (binding) => binding.bar !== null && isAvailable(binding, context),
  ).map((binding) => ({
    keys: binding.bar ?? binding.keys.map(keyText).join('/'),
    label: binding.label,
  }));
}

export function bindingsIn(section: Section): Binding[] {
  return KEY_TABLE.filter((binding) => binding.section === section);
}
