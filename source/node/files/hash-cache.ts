/**
 * SHA-256 of files by (path, size, mtime), kept in the per-user state
 * directory (one file per node, see hash-cache-files.ts) so that a restart
 * does not hash every share again. A changed size or mtime makes an entry
 * stale. Written atomically (temporary file, then rename) a moment after the
 * last change; bounded in entries.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {describeError} from '../../protocol/errors.js';
import type {Log} from '../collaborators.js';
import {limitDefault, limitHit} from '../limits.js';
import {removeStaleHashCaches} from './hash-cache-files.js';

export const MAX_HASH_CACHE_ENTRIES = limitDefault('hash-cache-entries');
const SAVE_DELAY_MS = 1_000;
const FORMAT = 1;

export type HashRecord = {size: number; mtimeMs: number; sha256: string};

/** `$XDG_STATE_HOME/filer-tui`, else `~/.local/state/filer-tui`. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME)
      ? env.XDG_STATE_HOME
      : path.join(env.HOME ?? os.homedir(), '.local', 'state');
  return path.join(base, 'filer-tui');
}

export class HashCache {
  private readonly records = new Map<string, HashRecord>();
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  /** `file` undefined: in memory only. */
  constructor(
    private readonly file: string | undefined,
    private readonly log: Log,
  ) {}

  /** Reads the saved hashes, and removes other nodes' abandoned cache files. */
  async load(now = Date.now()): Promise<void> {
    if (!this.file) return;
    const removed = await removeStaleHashCaches(this.file, now);
    if (removed.length > 0) {
      this.log('info', `removed stale hash caches ${removed.join(', ')}`);
    }
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch {
      return; // none yet
    }
    try {
      const stored = JSON.parse(text) as {format?: number; files?: unknown};
      if (stored.format !== FORMAT || !Array.isArray(stored.files)) return;
      for (const entry of stored.files.slice(-MAX_HASH_CACHE_ENTRIES)) {
        if (isStoredEntry(entry)) {
          const [file, size, mtimeMs, sha256] = entry;
          this.records.set(file, {size, mtimeMs, sha256});
        }
      }
    } catch (error) {
      this.log('warn', `ignoring the hash cache ${this.file}: ${describeError(error)}`);
    }
  }

  /** The hash of `file` if it is known for this size and mtime. */
  get(file: string, size: number, mtimeMs: number): string | undefined {
    const record = this.records.get(file);
    return record && record.size === size && record.mtimeMs === mtimeMs
      ? record.sha256
      : undefined;
  }

  set(file: string, record: HashRecord): void {
    this.records.delete(file);
    this.records.set(file, record);
    if (this.records.size > MAX_HASH_CACHE_ENTRIES) {
      const oldest = this.records.keys().next().value;
      if (oldest !== undefined) {
        this.records.delete(oldest);
        limitHit(
          this.log,
          'hash-cache-entries',
          'this node',
          `forgot the hash of ${oldest}`,
        );
      }
    }
    this.scheduleSave();
  }

  /** Files last known to have this content (check them before trusting it). */
  filesWith(sha256: string, size: number): Array<{file: string} & HashRecord> {
    const found: Array<{file: string} & HashRecord> = [];
    for (const [file, record] of this.records) {
      if (record.sha256 === sha256 && record.size === size) found.push({file, ...record});
    }
    return found;
  }

  /** Writes pending changes now (on close). */
  async flush(): Promise<void> {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.saving = this.saving.then(() => this.save());
    }
    await this.saving;
  }

  private scheduleSave(): void {
    if (!this.file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.saving = this.saving.then(() => this.save());
    }, SAVE_DELAY_MS);
    this.saveTimer.unref();
  }

  private async save(): Promise<void> {
    const file = this.file;
    if (!file) return;
    const files = [...this.records].map(([name, r]) => [
      name,
      r.size,
      r.mtimeMs,
      r.sha256,
    ]);
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      await fs.mkdir(path.dirname(file), {recursive: true, mode: 0o700});
      await fs.writeFile(temporary, JSON.stringify({format: FORMAT, files}), {
        mode: 0o600,
      });
      await fs.rename(temporary, file);
    } catch (error) {
      await fs.rm(temporary, {force: true}).catch(() => undefined);
      this.log('warn', `cannot save the hash cache ${file}: ${describeError(error)}`);
    }
  }
}

function isStoredEntry(entry: unknown): entry is [string, number, number, string] {
  return (
    Array.isArray(entry) &&
    entry.length === 4 &&
    typeof entry[0] === 'string' &&
    Number.isSafeInteger(entry[1]) &&
    typeof entry[2] === 'number' &&
    typeof entry[3] === 'string' &&
    /^[0-9a-f]{64}$/.test(entry[3])
  );
}
