/** The files the benchmark moves: generated, sparse, hashed in a child process. */
import {randomFillSync} from 'node:crypto';
import fs from 'node:fs/promises';
import {fileURLToPath} from 'node:url';
import {LineProcess} from './line-process.js';

const WRITE_CHUNK = 8 * 1024 * 1024;
const HASH_SCRIPT = fileURLToPath(new URL('hash-file.ts', import.meta.url));

/** A file of `size` random bytes (incompressible, so nothing can take a shortcut). */
export async function writeRandomFile(file: string, size: number): Promise<void> {
  const handle = await fs.open(file, 'wx');
  try {
    const chunk = Buffer.allocUnsafe(Math.min(WRITE_CHUNK, size));
    for (let written = 0; written < size;) {
      const part = chunk.subarray(0, Math.min(chunk.length, size - written));
      randomFillSync(part);
      await handle.write(part, 0, part.length, written);
      written += part.length;
    }
    // On disk before the rounds start, so its write-back does not slow one of them.
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * A sparse file of `size` bytes with random 1 MiB islands at the start, across
 * the 4 GiB boundary and at the end, so that a size or offset cut to 32 bits
 * changes the digest. Takes almost no disk space.
 */
export async function writeSparseFile(file: string, size: number): Promise<void> {
  const island = Buffer.allocUnsafe(1024 * 1024);
  const offsets = [0, 2 ** 32 - island.length / 2, size - island.length];
  const handle = await fs.open(file, 'wx');
  try {
    await handle.truncate(size);
    for (const offset of offsets) {
      if (offset < 0 || offset + island.length > size) continue;
      randomFillSync(island);
      await handle.write(island, 0, island.length, offset);
    }
  } finally {
    await handle.close();
  }
}

export type HashResult = {sha256: string; bytes: number; seconds: number};

/** SHA-256 of `file` in a child process (one core), with its time. */
export async function hashInChild(file: string): Promise<HashResult> {
  const child = new LineProcess('sha256 child', process.execPath, [
    ...process.execArgv,
    HASH_SCRIPT,
    file,
  ]);
  try {
    const record = await child.waitFor((line) => line.event === 'hashed', {
      timeoutMs: 600_000,
    });
    return {
      sha256: String(record.sha256),
      bytes: Number(record.bytes),
      seconds: Number(record.seconds),
    };
  } finally {
    await child.stop();
  }
}
