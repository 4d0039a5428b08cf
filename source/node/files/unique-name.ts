/**
 * A share name for a file whose own name is already shared from another
 * folder: the folder's name goes in brackets before the extension
 * (`notes.txt` from `…/2024/` → `notes (2024).txt`), then a number if that is
 * taken too. Still one plain, safe file name: what a peer sees and saves.
 */
import path from 'node:path';
import {unsafeNameReason} from '../../protocol/safe-name.js';

const MAX_NAME_BYTES = 255;
/** Enough tries for any real tree; beyond this the file is refused, with a line. */
const MAX_TRIES = 1_000;

export function uniqueShareName(
  name: string,
  filePath: string,
  taken: (candidate: string) => boolean,
): string | undefined {
  const extension = path.extname(name);
  const stem = extension === '' ? name : name.slice(0, -extension.length);
  const folder = path.basename(path.dirname(filePath));
  const label = folder !== '' && unsafeNameReason(folder) === undefined ? folder : '';
  for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
    const tag =
      label === '' ? String(attempt + 1) : attempt === 1 ? label : `${label} ${attempt}`;
    const candidate = fitted(stem, ` (${tag})${extension}`);
    if (
      candidate !== undefined &&
      unsafeNameReason(candidate) === undefined &&
      !taken(candidate)
    ) {
      return candidate;
    }
  }
  return undefined;
}

/** `stem + tail`, the stem cut (at a character) so the whole stays within 255 bytes. */
function fitted(stem: string, tail: string): string | undefined {
  const room = MAX_NAME_BYTES - Buffer.byteLength(tail);
  if (room <= 0) return undefined;
  let cut = stem;
  while (Buffer.byteLength(cut) > room) cut = [...cut].slice(0, -1).join('');
  return cut + tail;
}
