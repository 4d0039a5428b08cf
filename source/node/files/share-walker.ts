import fs from 'node:fs/promises';
import path from 'node:path';
import {FilerError} from '../../protocol/errors.js';

export type ShareableFile = {path: string; size: number};

/** A directory share stops here rather than walking a whole disk. */
export const MAX_FILES_PER_SHARE = 100_000;

/**
 * The regular files a share path stands for: the file itself, or every file
 * under a directory (symbolic links to directories are not followed, so a
 * loop cannot trap the walk).
 */
export async function listShareableFiles(sharePath: string): Promise<ShareableFile[]> {
  const absolute = path.resolve(sharePath);
  let stat;
  try {
    stat = await fs.stat(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file or directory' : `cannot read it (${code})`;
    throw new FilerError('ERR_SHARE_PATH', `cannot share ${sharePath}: ${reason}`);
  }
  if (stat.isFile()) return [{path: absolute, size: stat.size}];
  if (!stat.isDirectory()) {
    throw new FilerError(
      'ERR_SHARE_PATH',
      `cannot share ${sharePath}: not a file or directory`,
    );
  }
  const files: ShareableFile[] = [];
  await walk(absolute, files);
  return files;
}

async function walk(directory: string, files: ShareableFile[]): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(directory, {withFileTypes: true});
  } catch {
    return; // unreadable sub-directory: share the rest
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (files.length >= MAX_FILES_PER_SHARE) return;
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      await walk(full, files);
    } else if (entry.isFile() || entry.isSymbolicLink()) {
      const stat = await fs.stat(full).catch(() => undefined);
      if (stat?.isFile()) files.push({path: full, size: stat.size});
    }
  }
}
