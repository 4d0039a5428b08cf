import type {Clock} from './collaborators.js';
import type {LogEntry, LogLevel} from './types.js';

export const LOG_HISTORY = 500;

/** The node's log: the latest lines kept for late subscribers, each one passed on. */
export class LogBook {
  private readonly history: LogEntry[] = [];

  constructor(
    private readonly onEntry: (entry: LogEntry) => void,
    private readonly clock: Clock = Date.now,
    private readonly limit = LOG_HISTORY,
  ) {}

  write(level: LogLevel, message: string): void {
    const entry: LogEntry = {time: this.clock(), level, message};
    this.history.push(entry);
    if (this.history.length > this.limit) this.history.shift();
    this.onEntry(entry);
  }

  recent(): LogEntry[] {
    return [...this.history];
  }
}
