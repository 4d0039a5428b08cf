/**
 * This node's own query table: built from the names it shares when someone
 * asks for it after they changed, with a version that changes with them.
 */
import {randomInt} from 'node:crypto';
import {unescapedWire} from '../../protocol/wire-name.js';
import type {QueryTable} from '../../protocol/query-table-messages.js';
import {buildGramFilter} from './gram-filter.js';

export type SharedListing = () => ReadonlyArray<{wireName: string}>;

export class OwnTable {
  /** Starts anywhere, so a restarted node does not repeat an old version. */
  private version = randomInt(1, 2 ** 40);
  private builtFrom: ReadonlyArray<{wireName: string}> | undefined;
  private table: QueryTable | undefined;

  /** `listing` returns the same array until the shared names change. */
  constructor(
    private readonly listing: SharedListing,
    private readonly maxBytes: number,
  ) {
    this.builtFrom = listing();
  }

  /** The current version; a new one when the shared names changed since. */
  currentVersion(): number {
    const listing = this.listing();
    if (listing !== this.builtFrom) {
      this.builtFrom = listing;
      this.table = undefined;
      this.version++;
    }
    return this.version;
  }

  current(): QueryTable {
    const version = this.currentVersion();
    if (!this.table) {
      const names = this.builtFrom ?? [];
      const filter = buildGramFilter(
        names.map((entry) => unescapedWire(entry.wireName)),
        this.maxBytes,
      );
      this.table = {version, ...filter};
    }
    return this.table;
  }
}
