import fs from 'node:fs';

/** Positioned write; tests inject failures (ENOSPC) here. */
export type WriteAt = (
  fd: number,
  buffer: Buffer,
  length: number,
  position: number,
) => Promise<void>;

export const writeAtPosition: WriteAt = (fd, buffer, length, position) =>
  new Promise((resolve, reject) => {
    const step = (offset: number): void =>
      fs.write(fd, buffer, offset, length - offset, position + offset, (error, n) => {
        if (error) return reject(error);
        if (offset + n < length) return step(offset + n);
        resolve();
      });
    step(0);
  });
