/**
 * Headless output: one line per event or answer, as text or as JSON. Every
 * line passes the terminal sanitiser here, since names, ids and error texts
 * in it may come from peers.
 */
import type {FileEntry, LogEntry, PeerInfo, TransferInfo} from '../node/types.js';
import {formatBytes} from '../format/bytes.js';
import {jsonTerminalSafe, terminalSafe} from '../text/terminal-safe.js';

export type OutputRecord = {event: string} & Record<string, unknown>;

export class HeadlessOutput {
  constructor(
    private readonly json: boolean,
    private readonly write: (line: string) => void,
  ) {}

  /** Structured record; in text mode `text` is printed instead. */
  record(record: OutputRecord, text: string | string[] | undefined): void {
    if (this.json) {
      this.write(jsonTerminalSafe(JSON.stringify(record)));
    } else if (text !== undefined) {
      for (const line of Array.isArray(text) ? text : [text]) {
        // Tabs separate fields (files); every field is made safe.
        this.write(line.split('\t').map(terminalSafe).join('\t'));
      }
    }
  }

  log(entry: LogEntry): void {
    this.record(
      {event: 'log', ...entry},
      `${clock(entry.time)} ${entry.level.padEnd(5)} ${entry.message}`,
    );
  }

  error(message: string): void {
    this.record({event: 'error', message}, `error: ${message}`);
  }

  peers(peers: PeerInfo[]): void {
    this.record(
      {event: 'peers', peers},
      peers.length === 0 ? 'no peers' : peers.map((peer) => `peer ${peer.id}`),
    );
  }

  files(files: FileEntry[]): void {
    this.record(
      {event: 'files', files},
      files.length === 0 ? 'no files' : files.map((file) => `file ${describeFile(file)}`),
    );
  }

  transfers(transfers: TransferInfo[]): void {
    this.record(
      {event: 'transfers', transfers},
      transfers.length === 0
        ? 'no transfers'
        : transfers.map((transfer) => `transfer ${describeTransfer(transfer)}`),
    );
  }
}

function describeFile(file: FileEntry): string {
  const where = [...(file.local ? ['local'] : []), ...file.owners].join(',');
  const size = file.size === undefined ? '' : ` ${formatBytes(file.size)}`;
  return `${file.name}\t${where}${size}`;
}

export function describeTransfer(transfer: TransferInfo): string {
  const total = transfer.total === undefined ? '?' : formatBytes(transfer.total);
  const detail = transfer.error ? ` (${transfer.error})` : '';
  return `#${transfer.id} ${transfer.name} from ${transfer.owner}: ${transfer.state} ${formatBytes(transfer.received)}/${total}${activityText(transfer)}${detail}`;
}

/** Phase, sources, rate and ETA, as far as the node reported them. */
function activityText(transfer: TransferInfo): string {
  if (transfer.state !== 'running' || transfer.phase === undefined) return '';
  const parts: string[] = [transfer.phase];
  if (transfer.sources)
    parts.push(`${transfer.sources} source${transfer.sources === 1 ? '' : 's'}`);
  if (transfer.rate !== undefined) parts.push(`${formatBytes(transfer.rate)}/s`);
  if (transfer.etaSeconds !== undefined)
    parts.push(`ETA ${Math.ceil(transfer.etaSeconds)} s`);
  return ` [${parts.join(', ')}]`;
}

function clock(time: number): string {
  return new Date(time).toISOString().slice(11, 19);
}
