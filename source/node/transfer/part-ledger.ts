/**
 * Which bytes of a part file are written, and which source sent each range
 * (to name a bad one after a mismatch). Saved as the resume state next to the
 * part, so a later fetch of the same content continues from those bytes.
 */
import fs from 'node:fs/promises';
import {describeError} from '../../protocol/errors.js';
import type {Log} from '../collaborators.js';
import {addRange, coveredBytes, subtractRanges, type Range} from './byte-ranges.js';
import {readResumeState, writeResumeState} from './resume-state.js';

const STATE_SAVE_INTERVAL_MS = 500;
/** Who sent the bytes kept from an earlier fetch, in log lines. */
const KEPT_PART = 'the kept part';

export type LedgerFiles = {
  partPath: string;
  statePath: string;
  /** The file's name, in the state and in log lines. */
  name: string;
  size: number;
};

export class PartLedger {
  private done: Range[] = [];
  private readonly sentBy = new Map<string, Range[]>();
  private lastSave = 0;
  /**
   * Saves run one after the other: two at once would share one temporary
   * file, and the older state could land last.
   */
  private saving: Promise<void> = Promise.resolve();
  /** The state file is removed: a save still queued must not bring it back. */
  private discarded = false;

  constructor(
    private readonly files: LedgerFiles,
    /** Announced by the sources, else kept from the resume state (see resume). */
    private hash: string | undefined,
    private readonly deps: {now: () => number; log: Log},
  ) {}

  /** The content hash the part is kept for; without one nothing is saved. */
  get sha256(): string | undefined {
    return this.hash;
  }

  get written(): readonly Range[] {
    return this.done;
  }

  covered(): number {
    return coveredBytes(this.done);
  }

  /**
   * Takes what an earlier fetch of the same content left; returns the bytes
   * kept, 0 (and why, in the log) if nothing is usable.
   */
  async resume(): Promise<number> {
    const {files, deps} = this;
    const part = await fs.stat(files.partPath).catch(() => undefined);
    if (!part) return 0;
    const state = await readResumeState(files.statePath);
    if (!this.hash && state && state.size === files.size) {
      // A source restarted since may not have hashed the file again yet: the
      // hash it announced before stands, and the whole file is checked against it.
      this.hash = state.sha256;
      deps.log(
        'info',
        `${files.name}: the sources have not hashed it yet; checking it against the hash they announced before`,
      );
    }
    let reason: string | undefined;
    if (!this.hash) reason = 'the sources did not tell the content hash yet';
    else if (!state) reason = 'the part file has no resume state';
    else if (state.sha256 !== this.hash || state.size !== files.size)
      reason = 'the part file holds other content';
    else if (part.size > files.size) reason = 'the part file is longer than the file';
    if (reason || !state) {
      deps.log('info', `fetching ${files.name} from the start: ${reason ?? 'no state'}`);
      return 0;
    }
    this.done = state.done;
    this.sentBy.set(KEPT_PART, this.done);
    const kept = coveredBytes(this.done);
    deps.log('info', `resuming ${files.name}: ${kept} of ${files.size} bytes kept`);
    return kept;
  }

  markWritten(start: number, end: number, sender: string): void {
    this.done = addRange(this.done, [start, end]);
    this.sentBy.set(sender, addRange(this.sentBy.get(sender) ?? [], [start, end]));
  }

  /** These bytes are to be fetched again: no longer written, nor sent by anyone. */
  forget(ranges: readonly Range[]): void {
    this.done = subtractRanges(this.done, ranges);
    for (const [id, sent] of this.sentBy)
      this.sentBy.set(id, subtractRanges(sent, ranges));
  }

  /** Who sent any of the bytes [start, end) now held. */
  sendersOf(start: number, end: number): string[] {
    return [...this.sentBy]
      .filter(([, ranges]) => ranges.some(([from, to]) => from < end && start < to))
      .map(([id]) => id);
  }

  /** Writes the resume state: at once, or if the last save is old enough. */
  async save(now: boolean): Promise<void> {
    const hash = this.hash;
    if (!hash || this.discarded) return;
    const time = this.deps.now();
    if (!now && time - this.lastSave < STATE_SAVE_INTERVAL_MS) return;
    this.lastSave = time;
    this.saving = this.saving.then(async () => {
      if (this.discarded) return;
      // The ranges as they are when its turn comes: the newest.
      await writeResumeState(this.files.statePath, {
        name: this.files.name,
        size: this.files.size,
        sha256: hash,
        done: this.done,
      }).catch((error: unknown) =>
        this.deps.log('warn', `cannot save resume state: ${describeError(error)}`),
      );
    });
    await this.saving;
  }

  /** Removes the state file, after a save still running; nothing is saved after. */
  async discardState(): Promise<void> {
    this.discarded = true;
    await this.saving;
    await fs.rm(this.files.statePath, {force: true});
  }
}
