import type {FileEntry} from '../types.js';

export type LocalShare = {path: string; size: number};

type CatalogRecord = {
  name: string;
  /** The name as owners know it on the wire (their RESP), for FGET. */
  wireName: string;
  local?: LocalShare;
  owners: string[];
  remoteSize?: number;
};

export type CatalogLimits = {maxNames: number; maxOwnersPerName: number};

export const DEFAULT_CATALOG_LIMITS: CatalogLimits = {
  maxNames: 100_000,
  maxOwnersPerName: 64,
};

/**
 * Every file name this node knows: its own shares (served from here, and only
 * these) and names learned from RESP, with every owner that reported them.
 */
export class FileCatalog {
  private readonly records = new Map<string, CatalogRecord>();
  private readonly limits: CatalogLimits;

  constructor(limits: Partial<CatalogLimits> = {}) {
    this.limits = {...DEFAULT_CATALOG_LIMITS, ...limits};
  }

  get size(): number {
    return this.records.size;
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
    if (record) {
      record.local = share;
      record.wireName = wireName;
    } else {
      this.records.set(name, {name, wireName, local: share, owners: []});
    }
    return true;
  }

  /** Records that `owner` has `name`; true when this changed anything. */
  addRemote(name: string, wireName: string, owner: string): boolean {
    const record = this.records.get(name);
    if (!record) {
      if (this.records.size >= this.limits.maxNames) return false;
      this.records.set(name, {name, wireName, owners: [owner]});
      return true;
    }
    if (
      record.owners.includes(owner) ||
      record.owners.length >= this.limits.maxOwnersPerName
    ) {
      return false;
    }
    record.owners.push(owner);
    return true;
  }

  /** Forgets one owner; returns 'gone' when the name has no source left. */
  removeOwner(name: string, owner: string): 'gone' | 'changed' | 'unchanged' {
    const record = this.records.get(name);
    if (!record || !record.owners.includes(owner)) return 'unchanged';
    record.owners = record.owners.filter((known) => known !== owner);
    if (record.owners.length === 0 && !record.local) {
      this.records.delete(name);
      return 'gone';
    }
    return 'changed';
  }

  setRemoteSize(name: string, size: number): boolean {
    const record = this.records.get(name);
    if (!record || record.remoteSize === size) return false;
    record.remoteSize = size;
    return true;
  }

  /** Names containing `key`, as the original matches (substring). */
  match(key: string): FileEntry[] {
    const found: FileEntry[] = [];
    for (const record of this.records.values()) {
      if (record.name.includes(key)) found.push(toEntry(record));
    }
    return found;
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
