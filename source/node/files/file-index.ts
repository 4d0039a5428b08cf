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
import {listShareableFiles} from './share-walker.js';

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

  /** Shares a file, or every file under a directory, by base name. */
  async addShare(sharePath: string): Promise<FileEntry[]> {
    const files = await listShareableFiles(sharePath);
    const added: FileEntry[] = [];
    for (const file of files) {
      const entry = this.share(path.basename(file.path), file.path, file.size);
      if (entry) added.push(entry);
    }
    this.log('info', `sharing ${added.length} file(s) from ${sharePath}`);
    return added;
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
