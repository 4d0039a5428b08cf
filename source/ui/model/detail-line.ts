/**
 * One line about the selected row that the list cannot show in full: the
 * whole name, every owner, the exact size, and where a download is saved or
 * being saved.
 */
import path from 'node:path';
import {formatBytes} from '../../format/bytes.js';
import type {FileEntry, PeerInfo, TransferInfo} from '../../node/types.js';

export function fileDetail(
  file: FileEntry,
  transfers: readonly TransferInfo[],
  downloadDir: string,
): string {
  const parts = [file.name];
  if (file.size !== undefined) {
    parts.push(
      file.size >= 1024
        ? `${formatBytes(file.size)} (${file.size.toLocaleString('en')} bytes)`
        : formatBytes(file.size),
    );
  }
  const owners = file.owners.length;
  if (file.local) parts.push('shared by you');
  if (owners > 0) {
    parts.push(
      `${owners === 1 ? 'owner' : `${owners} owners`}: ${file.owners.join(', ')}`,
    );
  }
  const latest = [...transfers].reverse().find((transfer) => transfer.name === file.name);
  if (latest?.state === 'running') {
    parts.push(`fetching from ${latest.owner} into ${downloadDir}`);
  } else if (latest?.state === 'done' && latest.path) {
    parts.push(`saved as ${latest.path}`);
  } else if (latest && latest.state !== 'done') {
    parts.push(`last fetch ${latest.state}${latest.error ? `: ${latest.error}` : ''}`);
  }
  return parts.join(' · ');
}

export function peerDetail(peer: PeerInfo): string {
  return `${peer.id} · host ${peer.host} · port ${peer.port}`;
}

/** The download folder as people write it: ~ for the home directory. */
export function shortPath(folder: string, home: string | undefined): string {
  if (!home) return folder;
  if (folder === home) return '~';
  return folder.startsWith(home + path.sep) ? `~${folder.slice(home.length)}` : folder;
}
