/**
 * The log as people read it. The pane shows a summary, where a run of lines
 * that say the same kind of thing (one "found" per search result, the same
 * hint again and again) is one line with a count; the full-screen view (`l`)
 * shows every line, filtered by level and wrapped to the width.
 */
import wrapAnsi from 'wrap-ansi';
import type {LogEntry, LogLevel} from '../../node/types.js';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

export type ShownEntry = LogEntry & {
  /** How many lines this one stands for (1 unless summarised). */
  count: number;
};

/** The line a share being added says each second (file-index.ts). */
const ADDING = /^adding .+: \d+ file\(s\) so far…$/su;

/** How far the share being added got, from its latest progress line. */
export function addProgress(entries: readonly LogEntry[]): string | undefined {
  for (
    let index = entries.length - 1;
    index >= Math.max(entries.length - 200, 0);
    index--
  ) {
    const message = (entries[index] as LogEntry).message;
    if (ADDING.test(message)) return message.replace(/…$/u, '');
    if (message.startsWith('sharing ')) return undefined;
  }
  return undefined;
}

type Kind = {key: string; summary: (count: number, last: LogEntry) => string};

/** What a line says, for summing up a run of them; undefined: only exact repeats. */
function kindOf(entry: LogEntry): Kind | undefined {
  const found = /^found (.+) at (\S+)$/su.exec(entry.message);
  if (found) {
    return {
      key: 'found',
      summary: (count, last) =>
        `found ${count} results, the latest ${last.message.slice('found '.length)}`,
    };
  }
  if (ADDING.test(entry.message)) {
    return {key: 'adding', summary: (_count, last) => last.message};
  }
  if (/ does nothing here; \? lists the keys$/u.test(entry.message)) {
    return {
      key: 'unbound',
      summary: (count, last) =>
        `${count} keys that do nothing here, the latest ${last.message.split(' ')[0] ?? ''}; ? lists the keys`,
    };
  }
  return undefined;
}

/** Runs of same-kind lines (same level) become one line: the latest, with a count. */
export function summariseLog(entries: readonly LogEntry[]): ShownEntry[] {
  const shown: ShownEntry[] = [];
  let runKind: string | undefined;
  for (const entry of entries) {
    const previous = shown.at(-1);
    const kind = kindOf(entry);
    const key = kind?.key ?? `=${entry.message}`;
    if (previous && previous.level === entry.level && runKind === key) {
      const count = previous.count + 1;
      const message = kind ? kind.summary(count, entry) : `${entry.message} (×${count})`;
      shown[shown.length - 1] = {...entry, message, count};
      continue;
    }
    runKind = key;
    shown.push({...entry, count: 1});
  }
  return shown;
}

export function atLeast(level: LogLevel, minimum: LogLevel): boolean {
  return LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(minimum);
}

export type WrappedLine = {
  entry: LogEntry;
  /** The entry's first screen line carries its time and level. */
  first: boolean;
  text: string;
};

/** Every entry at `minimum` or above, wrapped to `width` columns of message. */
export function wrapLog(
  entries: readonly LogEntry[],
  minimum: LogLevel,
  width: number,
): WrappedLine[] {
  const lines: WrappedLine[] = [];
  for (const entry of entries) {
    if (!atLeast(entry.level, minimum)) continue;
    const parts = wrapAnsi(entry.message, Math.max(width, 1), {
      hard: true,
      trim: false,
    }).split('\n');
    parts.forEach((text, index) => lines.push({entry, first: index === 0, text}));
  }
  return lines;
}

/**
 * The `rows` lines to show, `fromEnd` lines up from the newest (0 follows the
 * log as it grows), and the scroll clamped to what exists.
 */
export function logWindow<T>(
  lines: readonly T[],
  rows: number,
  fromEnd: number,
): {shown: T[]; fromEnd: number} {
  const most = Math.max(lines.length - rows, 0);
  const clamped = Math.min(Math.max(fromEnd, 0), most);
  const end = lines.length - clamped;
  return {shown: lines.slice(Math.max(end - rows, 0), end), fromEnd: clamped};
}
