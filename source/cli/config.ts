/**
 * Command-line arguments → a checked configuration. Pure apart from checking
 * that shared paths exist, so every mistake becomes one clear line.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  DownloadFolderError,
  prepareDownloadFolder,
  type DownloadFolder,
} from './download-folder.js';
import type {FilerNodeOptions} from '../node/node-options.js';
import {parsePeerId, parsePort, type PeerAddress} from '../protocol/messages.js';

export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
}

export type CliFlags = {
  host?: string;
  bind?: string;
  share?: string[];
  downloadDir?: string;
  hops?: string;
  headless?: boolean;
  json?: boolean;
  verbose?: boolean;
  plainFetch?: boolean;
  compatible?: boolean;
};

export type CliConfig = {
  port: number;
  maxPeers: number;
  firstPeer?: PeerAddress;
  advertisedHost?: string;
  bindHost: string;
  shares: string[];
  downloadDir: string;
  /** The download folder did not exist and was created. */
  createdDownloadDir?: true;
  hops: number;
  headless: boolean;
  json: boolean;
  verbose: boolean;
  /** Fetch with plain FGET only (no verification, no resume). */
  plainFetch: boolean;
  /** `--compatible`: search as the original does (docs/search.md). */
  searchMode: 'filer' | 'compatible';
};

export function parseCliConfig(input: string[], flags: CliFlags): CliConfig {
  const [portText, maxPeersText, firstPeerText, ...extra] = input;
  if (portText === undefined) throw new UsageError('missing <port> (1-65535)');
  const port = /^\d+$/.test(portText) && Number(portText) === 0 ? 0 : parsePort(portText);
  if (port === undefined)
    throw new UsageError(`port must be a number from 1 to 65535, not "${portText}"`);
  if (maxPeersText === undefined)
    throw new UsageError('missing <max-peers> (0 = unlimited)');
  if (!/^\d{1,6}$/.test(maxPeersText)) {
    throw new UsageError(
      `max-peers must be a whole number (0 = unlimited), not "${maxPeersText}"`,
    );
  }
  let firstPeer: PeerAddress | undefined;
  if (firstPeerText !== undefined) {
    firstPeer = parsePeerId(firstPeerText);
    if (!firstPeer)
      throw new UsageError(`first peer must be host:port, not "${firstPeerText}"`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const hops = Number(flags.hops ?? 2);
  if (!/^\d{1,2}$/.test(String(flags.hops ?? 2)) || hops < 1 || hops > 10) {
    throw new UsageError(
      `--hops must be a whole number from 1 to 10, not "${flags.hops}"`,
    );
  }
  const shares = flags.share ?? [];
  for (const share of shares) {
    if (!fs.existsSync(share))
      throw new UsageError(`--share ${share}: no such file or directory`);
  }
  if (flags.host !== undefined && !/^[^\s:]+$/.test(flags.host)) {
    throw new UsageError(
      `--host must be a host name or IPv4 address, not "${flags.host}"`,
    );
  }
  // Last: a missing download folder is created only for an otherwise good command line.
  const download = readyDownloadFolder(flags.downloadDir);
  return {
    port,
    maxPeers: Number(maxPeersText),
    ...(firstPeer ? {firstPeer} : {}),
    ...(flags.host ? {advertisedHost: flags.host} : {}),
    bindHost: flags.bind ?? '0.0.0.0',
    shares,
    downloadDir: download.path,
    ...(download.created ? {createdDownloadDir: true} : {}),
    hops,
    headless: flags.headless ?? false,
    json: flags.json ?? false,
    verbose: flags.verbose ?? false,
    plainFetch: flags.plainFetch ?? false,
    searchMode: flags.compatible ? 'compatible' : 'filer',
  };
}

/** The node a command line asks for (the UI's own process and `serve` alike). */
export function nodeOptionsOf(config: CliConfig): FilerNodeOptions {
  return {
    port: config.port,
    maxPeers: config.maxPeers,
    bindHost: config.bindHost,
    downloadDir: config.downloadDir,
    searchMode: config.searchMode,
    ...(config.advertisedHost ? {advertisedHost: config.advertisedHost} : {}),
    plainFetch: config.plainFetch,
  };
}

/** The first `--flag` that is not one of `known` (camelCase names), if any. */
export function findUnknownFlag(argv: string[], known: object): string | undefined {
  const names = new Set([...Object.keys(known), 'help', 'version']);
  for (const argument of argv) {
    if (argument === '--') return undefined;
    if (/^-[^-\d]/.test(argument)) return argument;
    const match = /^--(?:no-)?([^=]+)/.exec(argument);
    if (!match) continue;
    const camel = (match[1] as string).replace(/-([a-z])/g, (_, letter: string) =>
      letter.toUpperCase(),
    );
    if (!names.has(camel)) return argument.split('=')[0];
  }
  return undefined;
}

function readyDownloadFolder(given: string | undefined): DownloadFolder {
  try {
    return prepareDownloadFolder(path.resolve(given ?? '.'), given ?? '.');
  } catch (error) {
    if (error instanceof DownloadFolderError) throw new UsageError(error.message);
    throw error;
  }
}
