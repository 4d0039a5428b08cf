import type {AppLogLine} from './session.js';

export const LOG_HISTORY_LINES = 1_000;

/**
 * The recent lines of the node's and the app's logs, in the order they were
 * written (which is the order of their times), for a front end that attaches
 * later. Bounded.
 */
export class LogHistory {
  private readonly recent: AppLogLine[];

  constructor(
    initial: readonly AppLogLine[] = [],
    private readonly limit = LOG_HISTORY_LINES,
  ) {
    this.recent = initial.slice(-limit);
  }

  push(line: AppLogLine): void {
    this.recent.push(line);
    if (this.recent.length > this.limit) this.recent.shift();
  }

  lines(): AppLogLine[] {
    return [...this.recent];
  }
}
