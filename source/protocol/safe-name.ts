import {UnsafeNameError} from './errors.js';

/** Longest name most file systems accept (bytes of UTF-8). */
export const MAX_NAME_BYTES = 255;

/**
 * A name from the network becomes a file name inside the download directory
 * and nothing else: no separators, no "." or "..", no control characters.
 * Returns the reason it is unsafe, or undefined when it is fine.
 */
export function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return 'empty name';
  if (name === '.' || name === '..') return 'refers to a directory';
  if (name.includes('/') || name.includes('\\')) return 'contains a path separator';
  if (/[\x00-\x1f\x7f]/.test(name)) return 'contains a control character';
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return 'longer than 255 bytes';
  return undefined;
}

export function assertSafeName(name: string): void {
  const reason = unsafeNameReason(name);
  if (reason !== undefined) throw new UnsafeNameError(name, reason);
}

/**
 * The file name a download is saved under: the name itself, except that
 * leading dots become `_`, so a peer cannot make us create a hidden file
 * (`.bashrc`, `.profile`) where the user would not see it.
 */
export function downloadFileName(name: string): string {
  assertSafeName(name);
  return name.replace(/^\.+/, (dots) => '_'.repeat(dots.length));
}
