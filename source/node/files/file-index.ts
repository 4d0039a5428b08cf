/**
 * The file catalogue as a part of the node: what this node shares and what it
 * learned from the network, with an event for every change.
 */
import path from 'node:path';
import {unsafeNameReason} from '../../protocol/safe-name.js';
import {wireBytes, wireFromName} from '../../protocol/wire-name.js';
import type {Log} from '../collaborators.js';
import {TypedEmitter} from '../typed-emitter.js';
import type {FileEntry} from '../types.js';
import {FileCatalog, type LocalShare, type RemoteOrigin} from './file-catalog.js';
import {walkShare} from './share-walker.js';
import {uniqueShareName} from './unique-name.js';

/** How often a share being added says how far it got. */
const PROGRESS_EVERY_MS = 1_000;

export type FileIndexEvents = {
  /** A name appeared or changed (new owner, size learned, became local). */
  'file-added': [file: FileEntry];
  'file-removed': [name: string];
};

export class FileIndex extends TypedEmitter<FileIndexEvents> {
  readonly catalog = new FileCatalog({
    onEvict: (name) => this.emit('file-removed', name),
  });

  constructor(private readonly log: Log) {
    super();
  }

  entries(): FileEntry[] {
    return this.catalog.entries();
  }

  entry(name: string): FileEntry | undefined {
    return this.catalog.entry(name);
  }

  /** The name as its owners know it on the wire: the exact bytes for FGET. */
  wireName(name: string): Buffer {
    return wireBytes(this.catalog.wireName(name) ?? wireFromName(name));
  }

  localShare(name: string): LocalShare | undefined {
    return this.catalog.localShare(name);
  }

  match(key: string): FileEntry[] {
    return this.catalog.match(key);
  }

  /**
   * Shares a file, or every file under a directory, by base name; a name
   * already shared from another folder gets the folder's name added
   * (unique-name.ts). The files are shared while the walk goes on, a batch
   * at a time with a turn of the event loop between, so a huge directory
   * never holds the node or its UI up; a line says how far it got each
   * second, and `signal` stops it (what was shared stays shared).
   */
  async addShare(sharePath: string, signal?: AbortSignal): Promise<FileEntry[]> {
    const added: FileEntry[] = [];
    const renamed: Array<{from: string; to: string}> = [];
    let said = Date.now();
    await walkShare(sharePath, {
      ...(signal ? {signal} : {}),
      onBatch: async (files) => {
        for (const file of files) {
          const name = path.basename(file.path);
          const entry = this.shareUnique(name, file.path, file.size);
          if (!entry) continue;
          added.push(entry);
          if (entry.name !== name) renamed.push({from: file.path, to: entry.name});
        }
        if (Date.now() - said >= PROGRESS_EVERY_MS) {
          said = Date.now();
          this.log('info', `adding ${sharePath}: ${added.length} file(s) so far…`);
        }
        // A turn of the event loop: keys, frames and peers are served meanwhile.
        await new Promise<void>((resolve) => setImmediate(resolve));
      },
    });
    const stopped = signal?.aborted ? ' (stopped: the rest was not added)' : '';
    this.log('info', `sharing ${added.length} file(s) from ${sharePath}${stopped}`);
    if (renamed.length > 0) {
      const first = renamed[0] as {from: string; to: string};
      this.log(
        'info',
        `${renamed.length} of them under a new name, as their name is shared from another folder (e.g. ${first.from} as ${first.to})`,
      );
    }
    return added;
  }

  /** Shares one file under `name`, or under a unique variant when another file has that name. */
  private shareUnique(
    name: string,
    filePath: string,
    size: number,
  ): FileEntry | undefined {
    const holder = this.catalog.localShare(name);
    if (!holder || holder.path === filePath) return this.share(name, filePath, size);
    const unique = uniqueShareName(name, filePath, (candidate) => {
      const other = this.catalog.localShare(candidate);
      return other !== undefined && other.path !== filePath;
    });
    if (unique === undefined) {
      this.log('warn', `not sharing ${filePath}: no free name like ${name}`);
      return undefined;
    }
    return this.share(unique, filePath, size);
  }

  /** Shares one file under `name`; undefined (and a log line) when refused. */
  share(name: string, filePath: string, size: number): FileEntry | undefined {
    const reason = unsafeNameReason(name);
    if (reason) {
      this.log('warn', `not sharing ${JSON.stringify(name)}: ${reason}`);
      return undefined;
    }
    if (!this.catalog.addLocal(name, wireFromName(name), {path: filePath, size})) {
      this.log('warn', `not sharing ${filePath}: the name ${name} is already shared`);
      return undefined;
    }
    return this.changed(name);
  }

  /** Records a remote owner; true when the catalogue changed. */
  addRemote(
    name: string,
    wireName: string,
    owner: string,
    origin: RemoteOrigin = 'unsolicited',
  ): boolean {
    if (!this.catalog.addRemote(name, wireName, owner, origin)) return false;
    this.changed(name);
    return true;
  }

  setRemoteSize(name: string, size: number): void {
    if (this.catalog.setRemoteSize(name, size)) this.changed(name);
  }

  /** Forgets one owner of a name, say after it could not be reached. */
  dropOwner(name: string, owner: string): void {
    const result = this.catalog.removeOwner(name, owner);
    if (result === 'gone') this.emit('file-removed', name);
    if (result === 'changed') this.changed(name);
  }

  /** Forgets an owner that is gone, from every name it had. */
  forgetOwner(owner: string): void {
    for (const [name, result] of this.catalog.removeOwnerEverywhere(owner)) {
      if (result === 'gone') this.emit('file-removed', name);
      else this.changed(name);
    }
  }

  private changed(name: string): FileEntry | undefined {
    const entry = this.catalog.entry(name);
    if (entry) this.emit('file-added', entry);
    return entry;
  }
}
