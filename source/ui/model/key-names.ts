import type {Key} from 'ink';

/**
 * The names the key table uses for what useInput reports: 'up', 'enter',
 * 'ctrl-c', or the typed character. Keys that arrive together (a fast typist,
 * a slow SSH link) reach useInput as one string; they are split here so each
 * one counts.
 */
export function keyNames(input: string, key: Key): string[] {
  const special = specialName(input, key);
  if (special !== undefined) return special === '' ? [] : [special];
  if (key.meta) return []; // Alt combinations are not bound
  return [...input].map(charName);
}

function specialName(input: string, key: Key): string | undefined {
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.delete) return 'delete';
  if (key.backspace) return 'backspace';
  if (key.ctrl) return input.length === 1 ? `ctrl-${input.toLowerCase()}` : '';
  return undefined;
}

function charName(char: string): string {
  if (char === '\r' || char === '\n') return 'enter';
  if (char === '\t') return 'tab';
  if (char === '\u007F' || char === '\b') return 'backspace';
  const code = char.codePointAt(0) ?? 0;
  if (code >= 1 && code <= 26) return `ctrl-${String.fromCodePoint(code + 96)}`;
  return char;
}
