/**
 * FGET client: streams the reply body from the socket into a `.part` file and
 * gives it its final name only once every byte arrived. The final name never
 * replaces an existing file.
 */
import {createWriteStream} from 'node:fs';
import fs from 'node:fs/promises';
import type {Socket} from 'node:net';
import path from 'node:path';
import {pipeline} from 'node:stream/promises';
import {PeerTimeoutError, TransferCancelledError} from '../../protocol/errors.js';
import {encodeFrame, FILE_CHUNK_BYTES} from '../../protocol/frame.js';
import {MessageType, type PeerAddress} from '../../protocol/messages.js';
import {assertSafeName} from '../../protocol/safe-name.js';
import {FgetBodyStream} from './fget-body.js';
import {addressText, connectToPeer} from '../net/peer-client.js';
import type {SocketRegistry} from '../net/socket-registry.js';

export type DownloadRequest = {
  address: PeerAddress;
  /** The name exactly as the owner knows it on the wire. */
  wireName: string;
  /** The decoded name to save under (checked again here). */
  name: string;
  downloadDir: string;
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  registry?: SocketRegistry;
  signal?: AbortSignal;
  onHeader?: (total: number) => void;
  onProgress?: (received: number) => void;
};

export type DownloadResult = {path: string; name: string; size: number};

export async function downloadToFile(request: DownloadRequest): Promise<DownloadResult> {
  assertSafeName(request.name);
  const directory = path.resolve(request.downloadDir);
  const target = path.join(directory, request.name);
  if (path.dirname(target) !== directory) {
    throw new Error(`refused to write outside ${directory}`);
  }
  const peer = addressText(request.address);
  // The part file first: once connected, the socket goes straight into the
  // pipeline, so no await leaves it without an error listener.
  const part = await openPartFile(target);
  let partPath: string | undefined = part.path;
  let socket: Socket | undefined;
  try {
    socket = await connectToPeer(request.address, {
      timeoutMs: request.connectTimeoutMs,
      registry: request.registry,
      signal: request.signal,
    });
    let size = 0;
    const connection = socket;
    connection.setTimeout(request.idleTimeoutMs, () =>
      connection.destroy(new PeerTimeoutError(peer, 'sending the file')),
    );
    connection.write(encodeFrame(MessageType.fileGet, request.wireName));
    const body = new FgetBodyStream(
      peer,
      (total) => request.onHeader?.(total),
      (received) => {
        size = received;
        request.onProgress?.(received);
      },
    );
    const file = createWriteStream('', {
      fd: part.handle,
      highWaterMark: FILE_CHUNK_BYTES,
    });
    await pipeline(connection, body, file, {signal: request.signal});
    const finalPath = await publish(part.path, target);
    partPath = undefined;
    return {path: finalPath, name: path.basename(finalPath), size};
  } catch (error) {
    socket?.destroy();
    if (request.signal?.aborted) throw new TransferCancelledError();
    throw error;
  } finally {
    if (partPath !== undefined) {
      await part.handle.close().catch(() => undefined);
      await fs.rm(partPath, {force: true});
    }
  }
}

/** `<target>.part`, or `<target>.1.part`, ... if another download holds it. */
async function openPartFile(
  target: string,
): Promise<{path: string; handle: fs.FileHandle}> {
  for (let attempt = 0; ; attempt++) {
    const candidate = attempt === 0 ? `${target}.part` : `${target}.${attempt}.part`;
    try {
      return {path: candidate, handle: await fs.open(candidate, 'wx')};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100)
        throw error;
    }
  }
}

/** `name.ext`, then `name (1).ext`, `name (2).ext`, ... */
export function alternativeName(fileName: string, attempt: number): string {
  if (attempt === 0) return fileName;
  const extension = path.extname(fileName);
  const stem = fileName.slice(0, fileName.length - extension.length);
  return `${stem} (${attempt})${extension}`;
}

/** Gives the part file its final name without replacing any existing file. */
async function publish(partPath: string, target: string): Promise<string> {
  const directory = path.dirname(target);
  for (let attempt = 0; attempt < 1000; attempt++) {
    const candidate = path.join(
      directory,
      alternativeName(path.basename(target), attempt),
    );
    try {
      // link() fails with EEXIST instead of replacing, unlike rename().
      await fs.link(partPath, candidate);
      await fs.rm(partPath);
      return candidate;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
      // File systems without hard links: check, then rename.
      if (await exists(candidate)) continue;
      await fs.rename(partPath, candidate);
      return candidate;
    }
  }
  throw new Error(`no free name for ${target}`);
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}
