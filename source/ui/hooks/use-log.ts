import {useMemo} from 'react';
import type {LogEntry} from '../../node/types.js';

/**
 * The log lines to show: the newest `rows`, oldest first. Debug lines only
 * with --verbose. The store already bounds how many lines are kept.
 */
export function useLog(
  entries: readonly LogEntry[],
  {verbose, rows}: {verbose: boolean; rows: number},
): LogEntry[] {
  return useMemo(() => {
    const shown: LogEntry[] = [];
    for (let index = entries.length - 1; index >= 0 && shown.length < rows; index--) {
      const entry = entries[index] as LogEntry;
      if (verbose || entry.level !== 'debug') shown.push(entry);
    }
    return shown.reverse();
  }, [entries, verbose, rows]);
}
