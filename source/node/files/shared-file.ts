/**
 * Opening a shared file to serve it, checked on the opened descriptor: it
 * must be a regular file, reached without any symbolic link, and be the very
 * file the shared path names now. So a shared file replaced by a link to
 * /etc/passwd, or a shared directory replaced by a link to /etc, is refused
 * even though the name is still in the catalogue.
 */
import {constants} from 'node:fs';
import fs from 'node:fs/promises';
import {FilerError} from '../../protocol/errors.js';
import {MAX_FRAME_DATA} from '../../protocol/frame.js';

export class NotServableError extends FilerError {
  constructor(filePath: string, reason: string) {
    super('ERR_NOT_SERVABLE', `cannot serve ${filePath}: ${reason}`);
  }
}

export type OpenedShare = {handle: fs.FileHandle; size: number; mtimeMs: number};

// O_NOFOLLOW: the last component may not be a link (ELOOP). O_NONBLOCK: a
// FIFO put in a file's place must not hang the open. Neither on Windows.
const OPEN_FLAGS =
  constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Opens a shared file (a real path, see share-walker.ts); the caller closes
 * it. Files that one FGET frame cannot carry are refused unless `anySize`
 * (ranges and hashing take them).
 */
export async function openSharedFile(
  filePath: string,
  {anySize = false}: {anySize?: boolean} = {},
): Promise<OpenedShare> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(filePath, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ELOOP' ? 'it is now a symbolic link' : `cannot open it (${code})`;
    throw new NotServableError(filePath, reason);
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) throw new NotServableError(filePath, 'not a regular file');
    if (opened.size > MAX_FRAME_DATA && !anySize) {
      throw new NotServableError(
        filePath,
        'larger than one FGET frame can carry (4 GiB - 1); filer-tui peers fetch it in ranges',
      );
    }
    // After the open, so a link swapped in and out around it is caught too.
    const real = await fs.realpath(filePath);
    const named = await fs.stat(real);
    if (real !== filePath || named.dev !== opened.dev || named.ino !== opened.ino) {
      throw new NotServableError(filePath, 'its path now leads elsewhere');
    }
    return {handle, size: opened.size, mtimeMs: opened.mtimeMs};
  } catch (error) {
    await handle.close().catch(() => undefined);
    if (error instanceof NotServableError) throw error;
    throw new NotServableError(
      filePath,
      `cannot read it (${(error as NodeJS.ErrnoException).code})`,
    );
  }
}
