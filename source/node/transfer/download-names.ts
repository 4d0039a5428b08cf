/**
 * Names on disk for a download: the final name (with a counter when taken) and
 * the part file beside it, both within the 255 bytes a file name may have.
 */
import {createHash} from 'node:crypto';
import path from 'node:path';
import {MAX_NAME_BYTES} from '../../protocol/safe-name.js';

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes, whole characters only. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character, 'utf8');
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}

/** `name.ext`, then `name (1).ext`, `name (2).ext`, ...; shortened to stay a valid name. */
export function alternativeName(fileName: string, attempt: number): string {
  if (attempt === 0) return fileName;
  const extension = path.extname(fileName);
  const stem = fileName.slice(0, fileName.length - extension.length);
  const counter = ` (${attempt})`;
  const room = MAX_NAME_BYTES - Buffer.byteLength(counter + extension, 'utf8');
  return `${truncateUtf8(stem, room)}${counter}${extension}`;
}

/**
 * `<name>.part`; when that would be too long, the name cut short plus a hash
 * of the whole name, so the part file is never what fails (ENAMETOOLONG).
 */
export function partFileName(fileName: string, suffix = '.part'): string {
  const plain = `${fileName}${suffix}`;
  if (Buffer.byteLength(plain, 'utf8') <= MAX_NAME_BYTES) return plain;
  const digest = createHash('sha256').update(fileName).digest('hex').slice(0, 12);
  const room = MAX_NAME_BYTES - Buffer.byteLength(`~${digest}${suffix}`, 'utf8');
  return `${truncateUtf8(fileName, room)}~${digest}${suffix}`;
}
