/**
 * Child process of the benchmark: SHA-256 of one file with node's crypto on
 * one core, reading 1 MiB at a time. Prints one JSON line with the digest and
 * the seconds from open to digest (the rate a verifying node could reach).
 */
import {createHash} from 'node:crypto';
import fs from 'node:fs';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: hash-file.ts FILE');
const buffer = Buffer.allocUnsafe(1024 * 1024);
const started = process.hrtime.bigint();
const hash = createHash('sha256');
const fd = fs.openSync(file, 'r');
let bytes = 0;
for (;;) {
  const count = fs.readSync(fd, buffer, 0, buffer.length, null);
  if (count === 0) break;
  hash.update(buffer.subarray(0, count));
  bytes += count;
}
fs.closeSync(fd);
const sha256 = hash.digest('hex');
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({event: 'hashed', sha256, bytes, seconds})}\n`);
