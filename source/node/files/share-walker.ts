import fs from 'node:fs/promises';
import path from 'node:path';
import {FilerError} from '../../protocol/errors.js';
import {limitDefault} from '../limits.js';

export type ShareableFile = {
  /** Real path (no symbolic link in it when the walk saw it). */
  path: string;
  size: number;
};

/** A directory share stops here rather than walking a whole disk. */
export const MAX_FILES_PER_SHARE = limitDefault('share-files');

/** Files handed over at a time, so a huge directory shows up while it is walked. */
const BATCH_FILES = 256;

export type WalkOptions = {
  /** Stops the walk between two directory reads; what was handed over stays. */
  signal?: AbortSignal;
  /** Takes each batch of files as it is found; the walk waits for it. */
  onBatch: (files: ShareableFile[]) => void | Promise<void>;
};

/**
 * Walks what a share path stands for: the file itself, or every file under a
 * directory, handing the files over in batches while it walks (a directory
 * of 70,000 files must not hold anything up). The path the user gives is
 * resolved (a link they name is their choice); inside a directory no
 * symbolic link is followed, to a file or to a directory, so a link cannot
 * share what lies outside (`link.txt → /etc/passwd`) and a loop cannot trap
 * the walk. Every path handed over is real, so serving can check that it
 * still is (shared-file.ts). Resolves with how many files were handed over.
 */
export async function walkShare(
  sharePath: string,
  options: WalkOptions,
): Promise<number> {
  let root: string;
  let stat;
  try {
    root = await fs.realpath(path.resolve(sharePath));
    stat = await fs.stat(root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file or directory' : `cannot read it (${code})`;
    throw new FilerError('ERR_SHARE_PATH', `cannot share ${sharePath}: ${reason}`);
  }
  if (stat.isFile()) {
    await options.onBatch([{path: root, size: stat.size}]);
    return 1;
  }
  if (!stat.isDirectory()) {
    throw new FilerError(
      'ERR_SHARE_PATH',
      `cannot share ${sharePath}: not a file or directory`,
    );
  }
  const walk = new DirectoryWalk(options);
  await walk.directory(root);
  await walk.flush();
  return walk.total;
}

/** Every file of a share path at once (small shares, tests). */
export async function listShareableFiles(sharePath: string): Promise<ShareableFile[]> {
  const files: ShareableFile[] = [];
  await walkShare(sharePath, {onBatch: (batch) => void files.push(...batch)});
  return files;
}

class DirectoryWalk {
  total = 0;
  private batch: ShareableFile[] = [];

  constructor(private readonly options: WalkOptions) {}

  private get stopped(): boolean {
    return (
      this.total + this.batch.length >= MAX_FILES_PER_SHARE ||
      this.options.signal?.aborted === true
    );
  }

  async directory(directory: string): Promise<void> {
    if (this.stopped) return;
    let entries;
    try {
      entries = await fs.readdir(directory, {withFileTypes: true});
    } catch {
      return; // unreadable sub-directory: share the rest
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (this.stopped) return;
      const full = path.join(directory, entry.name);
      // Dirent types come from lstat: a symbolic link is neither of these.
      if (entry.isDirectory()) {
        await this.directory(full);
      } else if (entry.isFile()) {
        const stat = await fs.lstat(full).catch(() => undefined);
        if (stat?.isFile()) await this.add({path: full, size: stat.size});
      }
    }
  }

  private async add(file: ShareableFile): Promise<void> {
    this.batch.push(file);
    if (this.batch.length >= BATCH_FILES) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.total += batch.length;
    await this.options.onBatch(batch);
  }
}
