/**
 * FGET client: writes the reply body into a part file and gives it its final
 * name only once every byte arrived. The final name never replaces an
 * existing file, and a failed download leaves nothing under it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import {TransferCancelledError} from '../../protocol/errors.js';
import {encodeFrame} from '../../protocol/frame.js';
import {MessageType} from '../../protocol/messages.js';
import {downloadFileName} from '../../protocol/safe-name.js';
import {alternativeName, partFileName} from './download-names.js';
import {receiveBody} from './reply-receiver.js';
import type {ReceiveRequest} from './receive-request.js';

export type DownloadRequest = Pick<
  ReceiveRequest,
  | 'address'
  | 'connectTimeoutMs'
  | 'idleTimeoutMs'
  | 'registry'
  | 'signal'
  | 'writeAt'
  | 'onHeader'
  | 'onProgress'
> & {
  /** The exact bytes of the name on the wire. */
  wireName: Buffer;
  /** The decoded name (checked again here; saved as downloadFileName(name)). */
  name: string;
  downloadDir: string;
};

export type DownloadResult = {path: string; name: string; size: number};

export async function downloadToFile(request: DownloadRequest): Promise<DownloadResult> {
  const directory = path.resolve(request.downloadDir);
  const target = path.join(directory, downloadFileName(request.name));
  if (path.dirname(target) !== directory) {
    throw new Error(`refused to write outside ${directory}`);
  }
  const part = await openPartFile(target);
  let partPath: string | undefined = part.path;
  try {
    // Everything else is for the receiver as it is.
    const {wireName, name, downloadDir, ...receive} = request;
    const size = await receiveBody({
      ...receive,
      request: encodeFrame(MessageType.fileGet, wireName),
      fd: part.handle.fd,
      position: 0,
      fileLabel: part.path,
    });
    await part.handle.close();
    const finalPath = await publish(part.path, target);
    partPath = undefined;
    return {path: finalPath, name: path.basename(finalPath), size};
  } catch (error) {
    if (request.signal?.aborted) throw new TransferCancelledError();
    throw error;
  } finally {
    if (partPath !== undefined) {
      await part.handle.close().catch(() => undefined);
      await fs.rm(partPath, {force: true});
    }
  }
}

/** The part file beside the target; another number if another download holds it. */
async function openPartFile(
  target: string,
): Promise<{path: string; handle: fs.FileHandle}> {
  const directory = path.dirname(target);
  const fileName = path.basename(target);
  for (let attempt = 0; ; attempt++) {
    const suffix = attempt === 0 ? '.part' : `.${attempt}.part`;
    const candidate = path.join(directory, partFileName(fileName, suffix));
    try {
      return {path: candidate, handle: await fs.open(candidate, 'wx')};
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 100)
        throw error;
    }
  }
}

/** Gives the part file its final name without replacing any existing file. */
export async function publish(partPath: string, target: string): Promise<string> {
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
