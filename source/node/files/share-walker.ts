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

/**
 * The regular files a share path stands for: the file itself, or every file
 * under a directory. The path the user gives is resolved (a link they name
 * is their choice); inside a directory no symbolic link is followed, to a
 * file or to a directory, so a link cannot share what lies outside
 * (`link.txt → /etc/passwd`) and a loop cannot trap the walk. Every path
 * returned is real, so serving can check that it still is (shared-file.ts).
 */
export async function listShareableFiles(sharePath: string): Promise<ShareableFile[]> {
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
  if (stat.isFile()) return [{path: root, size: stat.size}];
  if (!stat.isDirectory()) {
    throw new FilerError(
      'ERR_SHARE_PATH',
      `cannot share ${sharePath}: not a file or directory`,
    );
  }
  const files: ShareableFile[] = [];
  await walk(root, files);
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
    // Dirent types come from lstat: a symbolic link is neither of these.
    if (entry.isDirectory()) {
      await walk(full, files);
    } else if (entry.isFile()) {
      const stat = await fs.lstat(full).catch(() => undefined);
      if (stat?.isFile()) files.push({path: full, size: stat.size});
    }
  }
}
