import {boundText, terminalSafe} from '../text/terminal-safe.js';
import type {Clock} from './collaborators.js';
import type {LogEntry, LogLevel} from './types.js';

export const LOG_HISTORY = 500;
/** Longest log line: lines quote peer text, and a flood must stay readable. */
export const MAX_LOG_LINE_CHARS = 1_000;

/**
 * The node's log: the latest lines kept for late subscribers, each one passed
 * on. Every line is made terminal-safe and bounded here, whatever part wrote
 * it and whatever peer text it quotes.
 */
export class LogBook {
  private readonly history: LogEntry[] = [];

  constructor(
    private readonly onEntry: (entry: LogEntry) => void,
    private readonly clock: Clock = Date.now,
    private readonly limit = LOG_HISTORY,
  ) {}

  write(level: LogLevel, message: string): void {
    const safe = boundText(terminalSafe(message), MAX_LOG_LINE_CHARS);
    const entry: LogEntry = {time: this.clock(), level, message: safe};
    this.history.push(entry);
    if (this.history.length > this.limit) this.history.shift();
    this.onEntry(entry);
  }

  recent(): LogEntry[] {
    return [...this.history];
  }
}
