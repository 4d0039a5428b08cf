import {unescapedWire} from '../../protocol/wire-name.js';
import {limitDefault} from '../limits.js';
import type {FileEntry} from '../types.js';

export type LocalShare = {path: string; size: number};

/**
 * Why a remote name is in the catalogue: it answered one of the user's own
 * recent searches, or it came unasked (another peer's RESP, a flood).
 */
export type RemoteOrigin = 'search' | 'unsolicited';

type CatalogRecord = {
  name: string;
  /** The name as owners know it on the wire (their RESP), for FGET: wire text. */
  wireName: string;
  /** Its bytes with filer-tui's escapes undone (wire text): what queries match. */
  matchBytes: string;
  local?: LocalShare;
  owners: string[];
  remoteSize?: number;
  /** Set while the record is remote only (local records are never evicted). */
  origin?: RemoteOrigin;
};

export type CatalogLimits = {
  /** Remote-only names in all. */
  maxNames: number;
  /** Remote-only names that answer none of the user's searches. */
  maxUnsolicitedNames: number;
  maxOwnersPerName: number;
};

export const DEFAULT_CATALOG_LIMITS: CatalogLimits = {
  maxNames: limitDefault('catalog-remote-names'),
  maxUnsolicitedNames: limitDefault('catalog-unsolicited-names'),
  maxOwnersPerName: limitDefault('catalog-owners-per-name'),
};

export type CatalogOptions = Partial<CatalogLimits> & {
  /** Told of each name evicted to make room. */
  onEvict?: (name: string) => void;
};

/**
 * Every file name this node knows: its own shares (served from here, and only
 * these) and names learned from RESP, with every owner that reported them.
 * Remote names are bounded, and a flood of unasked RESPs only ever evicts
 * other unasked names: results of the user's own searches are evicted only
 * by newer results of the user's own searches.
 */
export class FileCatalog {
  private readonly records = new Map<string, CatalogRecord>();
  /** Remote-only names by origin, oldest first. */
  private readonly remoteNames: Record<RemoteOrigin, Set<string>> = {
    search: new Set(),
    unsolicited: new Set(),
  };
  private readonly limits: CatalogLimits;
  private readonly onEvict: (name: string) => void;
  /** The local shares sorted by wire name, for BRWS pages; rebuilt after a change. */
  private listing: Array<{wireName: string; size: number}> | undefined;

  constructor({onEvict, ...limits}: CatalogOptions = {}) {
    this.limits = {...DEFAULT_CATALOG_LIMITS, ...limits};
    this.onEvict = onEvict ?? (() => undefined);
  }

  get size(): number {
    return this.records.size;
  }

  /** Remote-only names held, by origin. */
  remoteCounts(): Record<RemoteOrigin, number> {
    return {
      search: this.remoteNames.search.size,
      unsolicited: this.remoteNames.unsolicited.size,
    };
  }

  entry(name: string): FileEntry | undefined {
    const record = this.records.get(name);
    return record && toEntry(record);
  }

  entries(): FileEntry[] {
    return [...this.records.values()].map(toEntry);
  }

  localShare(name: string): LocalShare | undefined {
    return this.records.get(name)?.local;
  }

  wireName(name: string): string | undefined {
    return this.records.get(name)?.wireName;
  }

  /** Registers a local share; false when the name is already shared from elsewhere. */
  addLocal(name: string, wireName: string, share: LocalShare): boolean {
    const record = this.records.get(name);
    if (record?.local && record.local.path !== share.path) return false;
    this.listing = undefined;
    if (record) {
      this.unlistRemote(record);
      record.local = share;
      record.wireName = wireName;
      record.matchBytes = unescapedWire(wireName);
    } else {
      const matchBytes = unescapedWire(wireName);
      this.records.set(name, {name, wireName, matchBytes, local: share, owners: []});
    }
    return true;
  }

  /** Records that `owner` has `name`; true when this changed anything. */
  addRemote(
    name: string,
    wireName: string,
    owner: string,
    origin: RemoteOrigin = 'unsolicited',
  ): boolean {
    const record = this.records.get(name);
    if (!record) return this.addRemoteName(name, wireName, owner, origin);
    const promoted = origin === 'search' && record.origin === 'unsolicited';
    if (promoted) {
      this.unlistRemote(record);
      this.listRemote(record, 'search');
    }
    if (
      record.owners.includes(owner) ||
      record.owners.length >= this.limits.maxOwnersPerName
    ) {
      return promoted;
    }
    record.owners.push(owner);
    return true;
  }

  private addRemoteName(
    name: string,
    wireName: string,
    owner: string,
    origin: RemoteOrigin,
  ): boolean {
    const {search, unsolicited} = this.remoteNames;
    if (origin === 'unsolicited' && unsolicited.size >= this.limits.maxUnsolicitedNames) {
      this.evictOldest('unsolicited');
    }
    if (search.size + unsolicited.size >= this.limits.maxNames) {
      // Unasked names make room first; an unasked name never evicts a search result.
      if (unsolicited.size > 0) this.evictOldest('unsolicited');
      else if (origin === 'search') this.evictOldest('search');
      else return false;
    }
    if (origin === 'unsolicited' && this.limits.maxUnsolicitedNames <= 0) return false;
    const matchBytes = unescapedWire(wireName);
    const record: CatalogRecord = {name, wireName, matchBytes, owners: [owner]};
    this.records.set(name, record);
    this.listRemote(record, origin);
    return true;
  }

  private evictOldest(origin: RemoteOrigin): void {
    const oldest = this.remoteNames[origin].values().next();
    if (oldest.done) return;
    this.remoteNames[origin].delete(oldest.value);
    this.records.delete(oldest.value);
    this.onEvict(oldest.value);
  }

  private listRemote(record: CatalogRecord, origin: RemoteOrigin): void {
    record.origin = origin;
    this.remoteNames[origin].add(record.name);
  }

  private unlistRemote(record: CatalogRecord): void {
    if (record.origin) this.remoteNames[record.origin].delete(record.name);
    delete record.origin;
  }

  /** Forgets one owner; returns 'gone' when the name has no source left. */
  removeOwner(name: string, owner: string): 'gone' | 'changed' | 'unchanged' {
    const record = this.records.get(name);
    if (!record || !record.owners.includes(owner)) return 'unchanged';
    record.owners = record.owners.filter((known) => known !== owner);
    if (record.owners.length === 0 && !record.local) {
      this.unlistRemote(record);
      this.records.delete(name);
      return 'gone';
    }
    return 'changed';
  }

  /** Every remote owner named by some entry (for the owner liveness check). */
  remoteOwners(): string[] {
    const owners = new Set<string>();
    for (const record of this.records.values()) {
      for (const owner of record.owners) owners.add(owner);
    }
    return [...owners];
  }

  /** Forgets `owner` everywhere; the names it touched, each 'gone' or 'changed'. */
  removeOwnerEverywhere(owner: string): Map<string, 'gone' | 'changed'> {
    const touched = new Map<string, 'gone' | 'changed'>();
    for (const name of [...this.records.keys()]) {
      const result = this.removeOwner(name, owner);
      if (result !== 'unchanged') touched.set(name, result);
    }
    return touched;
  }

  setRemoteSize(name: string, size: number): boolean {
    const record = this.records.get(name);
    if (!record || record.remoteSize === size) return false;
    record.remoteSize = size;
    return true;
  }

  /**
   * The files shared here with their sizes, sorted by wire name (so pages of
   * one listing line up while nothing changes).
   */
  localListing(): ReadonlyArray<{wireName: string; size: number}> {
    this.listing ??= [...this.records.values()]
      .flatMap((record) =>
        record.local ? [{wireName: record.wireName, size: record.local.size}] : [],
      )
      .sort((a, b) => (a.wireName < b.wireName ? -1 : a.wireName > b.wireName ? 1 : 0));
    return this.listing;
  }

  /** Names containing `key`, as people read them. */
  match(key: string): FileEntry[] {
    const found: FileEntry[] = [];
    for (const record of this.records.values()) {
      if (record.name.includes(key)) found.push(toEntry(record));
    }
    return found;
  }

  /**
   * Wire names of the files shared here whose bytes contain `keyBytes` (wire
   * text, escapes undone), as the original matches: what this node may answer
   * a query with (never a name it only heard of).
   */
  matchLocal(keyBytes: string): string[] {
    const found: string[] = [];
    for (const record of this.records.values()) {
      if (record.local && record.matchBytes.includes(keyBytes))
        found.push(record.wireName);
    }
    return found;
  }

  /**
   * The original's answer to a query: the first name in the table containing
   * `keyBytes`, with the owner the table records (this node for its own files).
   */
  firstMatch(
    keyBytes: string,
    selfId: string,
  ): {wireName: string; ownerPeerId: string} | undefined {
    for (const record of this.records.values()) {
      if (!record.matchBytes.includes(keyBytes)) continue;
      const ownerPeerId = record.local ? selfId : record.owners[0];
      if (ownerPeerId !== undefined) return {wireName: record.wireName, ownerPeerId};
    }
    return undefined;
  }
}

function toEntry(record: CatalogRecord): FileEntry {
  const size = record.local?.size ?? record.remoteSize;
  return {
    name: record.name,
    local: record.local !== undefined,
    owners: [...record.owners],
    ...(size === undefined ? {} : {size}),
  };
}
