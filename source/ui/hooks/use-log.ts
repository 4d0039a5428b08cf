import {useMemo} from 'react';
import type {LogEntry, LogLevel} from '../../node/types.js';
import {
  atLeast,
  logWindow,
  summariseLog,
  wrapLog,
  type ShownEntry,
  type WrappedLine,
} from '../model/log-lines.js';

/**
 * The log pane's lines: the newest `rows`, oldest first, runs summarised.
 * Debug lines only with --verbose. The store already bounds how many lines are kept.
 */
export function useLogPane(
  entries: readonly LogEntry[],
  {verbose, rows}: {verbose: boolean; rows: number},
): ShownEntry[] {
  return useMemo(() => {
    const minimum: LogLevel = verbose ? 'debug' : 'info';
    // Only the tail can show; summarising it all would cost for nothing.
    const tail = entries
      .slice(-rows * 50)
      .filter((entry) => atLeast(entry.level, minimum));
    return summariseLog(tail).slice(-Math.max(rows, 0));
  }, [entries, verbose, rows]);
}

export type LogViewLines = {lines: WrappedLine[]; total: number; fromEnd: number};

/** The full log view's lines: every entry at `level` and up, wrapped, `fromEnd` up from the end. */
export function useLogView(
  entries: readonly LogEntry[],
  {
    level,
    width,
    rows,
    fromEnd,
    open,
  }: {
    level: LogLevel;
    width: number;
    rows: number;
    fromEnd: number;
    open: boolean;
  },
): LogViewLines {
  const wrapped = useMemo(
    () => (open ? wrapLog(entries, level, width) : []),
    [entries, level, width, open],
  );
  const view = logWindow(wrapped, rows, fromEnd);
  return {lines: view.shown, total: wrapped.length, fromEnd: view.fromEnd};
}
