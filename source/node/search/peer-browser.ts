/**
 * Browse a peer (BRWS, a filer-tui extension): list every file a peer
 * shares, a bounded page at a time, and serve this node's own listing the
 * same way. An original peer closes on BRWS without a reply: it cannot be
 * browsed, and the caller is told so.
 */
import {describeError, FilerError} from '../../protocol/errors.js';
import {
  BrowseMessageType,
  formatBrowseEntry,
  formatBrowseHeader,
  formatBrowseRequest,
  parseBrowsePage,
  parseBrowseRequest,
} from '../../protocol/browse-messages.js';
import {MessageType, parsePeerId} from '../../protocol/messages.js';
import {unsafeNameReason} from '../../protocol/safe-name.js';
import {nameFromWire, wireBytes, wireText} from '../../protocol/wire-name.js';
import {peerText} from '../../text/terminal-safe.js';
import type {Clock, Log, Reply, Request} from '../collaborators.js';
import type {FileIndex} from '../files/file-index.js';
import {limitDefault, limitHit} from '../limits.js';
import {addressOf, perMinute, RateBuckets} from './rate-buckets.js';

export type BrowseLimits = {
  /** Files read from one peer. */
  maxEntries: number;
  /** Data of one page this node serves. */
  pageBytes: number;
  pagesPerPeerPerMinute: number;
};

export const DEFAULT_BROWSE_LIMITS: BrowseLimits = {
  maxEntries: limitDefault('browse-entries'),
  pageBytes: limitDefault('browse-page-bytes'),
  pagesPerPeerPerMinute: limitDefault('browse-pages-per-peer'),
};

/** One file of a browsed peer, as people read it. */
export type BrowsedFile = {name: string; size: number};

export type BrowseListing = {
  peerId: string;
  files: BrowsedFile[];
  /** Files the peer says it shares. */
  total: number;
  /** Fewer files were read than it shares (browse-entries). */
  cut: boolean;
};

export class BrowseUnsupportedError extends FilerError {
  constructor(peerId: string) {
    super(
      'ERR_BROWSE_UNSUPPORTED',
      `${peerId} does not list its files (an original peer): search it instead`,
    );
  }
}

export type BrowserDeps = {
  request: Request;
  files: FileIndex;
  clock: Clock;
  log: Log;
  limits?: Partial<BrowseLimits>;
};

export class PeerBrowser {
  private readonly limits: BrowseLimits;
  private readonly pagesByPeer: RateBuckets;

  constructor(private readonly deps: BrowserDeps) {
    this.limits = {...DEFAULT_BROWSE_LIMITS, ...deps.limits};
    this.pagesByPeer = new RateBuckets(
      perMinute(this.limits.pagesPerPeerPerMinute),
      deps.clock,
    );
  }

  /** BRWS from a peer: one page of the files shared here. */
  async answer(data: Buffer, reply: Reply, remote: string): Promise<void> {
    if (!this.pagesByPeer.take(addressOf(remote))) {
      limitHit(this.deps.log, 'browse-pages-per-peer', remote, 'BRWS closed unanswered');
      return;
    }
    let offset: number;
    try {
      offset = parseBrowseRequest(wireText(data));
    } catch (error) {
      return reply.send(MessageType.error, describeError(error));
    }
    const listing = this.deps.files.catalog.localListing();
    let body = '';
    let count = 0;
    for (const entry of listing.slice(offset)) {
      const line = formatBrowseEntry(entry);
      // The header needs at most 30 bytes; a page always holds at least one entry.
      if (count > 0 && body.length + line.length + 30 > this.limits.pageBytes) break;
      body += line;
      count++;
    }
    const header = formatBrowseHeader(
      listing.length,
      Math.min(offset, listing.length),
      count,
    );
    await reply.send(MessageType.reply, wireBytes(header + body));
  }

  /** Reads every page of `peerId`'s listing, up to browse-entries, and adds the files. */
  async browse(peerId: string): Promise<BrowseListing> {
    const address = parsePeerId(peerId);
    if (!address)
      throw new FilerError('ERR_BAD_PEER', `"${peerText(peerId)}" is not host:port`);
    const files: BrowsedFile[] = [];
    let total = 0;
    let offset = 0;
    // Entries read, kept or not: what bounds the pages a peer can make us read.
    let read = 0;
    for (;;) {
      const frames = await this.deps.request(
        address,
        BrowseMessageType.browse,
        formatBrowseRequest(offset),
      );
      const first = frames[0];
      if (!first) throw new BrowseUnsupportedError(peerId);
      if (first.type !== MessageType.reply) {
        throw new FilerError(
          'ERR_BROWSE_REFUSED',
          `${peerId} refused to list its files: ${peerText(first.data.toString('utf8'))}`,
        );
      }
      const page = parseBrowsePage(wireText(first.data));
      if (page.offset !== offset) {
        throw new FilerError(
          'ERR_BROWSE_REFUSED',
          `${peerId} answered page ${page.offset} when asked for ${offset}`,
        );
      }
      total = page.total;
      const taken = page.entries.slice(0, this.limits.maxEntries - read);
      read += taken.length;
      for (const entry of taken) {
        const name = nameFromWire(entry.wireName);
        const reason = unsafeNameReason(name);
        if (reason) {
          this.deps.log(
            'warn',
            `browse ${peerId}: skipped "${peerText(name)}": ${reason}`,
          );
          continue;
        }
        // Asked for by the user, so kept as a search result is.
        this.deps.files.addRemote(name, entry.wireName, peerId, 'search');
        this.deps.files.setRemoteSize(name, entry.size);
        files.push({name, size: entry.size});
      }
      offset = page.offset + taken.length;
      const more = taken.length > 0 && offset < page.total;
      if (!more || read >= this.limits.maxEntries) break;
    }
    const cut = offset < total;
    if (cut) {
      limitHit(
        this.deps.log,
        'browse-entries',
        peerId,
        `read ${offset} of ${total} files`,
      );
    }
    this.deps.log(
      'info',
      `browse ${peerId}: ${files.length} file(s)${cut ? ` (the first ${offset} of ${total})` : ''}`,
    );
    return {peerId, files, total, cut};
  }
}
