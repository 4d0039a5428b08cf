/**
 * The download folder, made ready before the node starts: a missing one is
 * created (with its parents) and the caller says so; one that cannot be used
 * gets a reason precise enough to fix it.
 */
import fs from 'node:fs';

export type DownloadFolder = {path: string; created: boolean};

export class DownloadFolderError extends Error {}

export function prepareDownloadFolder(folder: string, given: string): DownloadFolder {
  const fail = (reason: string): never => {
    throw new DownloadFolderError(`--download-dir ${given}: ${reason}`);
  };
  let created = false;
  let stat = statOf(folder);
  if (stat === 'missing') {
    try {
      fs.mkdirSync(folder, {recursive: true});
    } catch (error) {
      fail(`cannot create it (${reasonOf(error)})`);
    }
    created = true;
    stat = statOf(folder);
  }
  if (stat === 'missing') fail('cannot create it');
  else if (typeof stat === 'string') fail(`cannot read it (${stat})`);
  else if (!stat.isDirectory()) fail('exists but is a file, not a folder');
  try {
    fs.accessSync(folder, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    fail(`a folder, but files cannot be written into it (${reasonOf(error)})`);
  }
  return {path: folder, created};
}

function statOf(folder: string): fs.Stats | 'missing' | string {
  try {
    return fs.statSync(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'missing' : reasonOf(error);
  }
}

function reasonOf(error: unknown): string {
  const {code} = error as NodeJS.ErrnoException;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR') return 'a part of the path is a file';
  if (code === 'EROFS') return 'read-only file system';
  return code ?? String(error);
}
