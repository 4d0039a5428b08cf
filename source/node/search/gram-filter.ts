/**
 * A node's query table: a Bloom filter of every 3-byte substring ("gram") of
 * the names it shares. A query key matches a name when it is a substring of
 * it (as the original matches), so every gram of a matching key is a gram of
 * the name: a table that lacks one of the key's grams proves no shared name
 * matches (Bloom filters have false positives, never false negatives). A key
 * shorter than a gram matches any table. Bytes are wire text: one character
 * per byte, escapes undone, exactly what queries are matched against.
 */

export const GRAM_BYTES = 3;
export const TABLE_HASHES = 3;
/** The smallest table, in bytes (a node that shares little sends little). */
export const MIN_TABLE_BYTES = 64;
/** Bits per gram a table is sized for: about 3% false positives per gram. */
const BITS_PER_GRAM = 8;
const FNV_PRIME = 0x01000193;

export type GramFilter = {
  /** Bit j is bit (j & 7) of byte (j >> 3); the length is a power of two. */
  readonly bits: Uint8Array;
  readonly hashes: number;
};

/** Bit index i of a gram: FNV-1a (32 bits) of the bytes (i, b0, b1, b2), mod the table's bits. */
function bitIndex(gram: number, round: number, mask: number): number {
  let hash = Math.imul(0x811c9dc5 ^ round, FNV_PRIME);
  hash = Math.imul(hash ^ (gram >>> 16), FNV_PRIME);
  hash = Math.imul(hash ^ ((gram >>> 8) & 0xff), FNV_PRIME);
  hash = Math.imul(hash ^ (gram & 0xff), FNV_PRIME);
  return (hash >>> 0) & mask;
}

/** Every gram of `bytes` (wire text), as a 24-bit number. */
function grams(bytes: string): number[] {
  const found: number[] = [];
  for (let start = 0; start + GRAM_BYTES <= bytes.length; start++) {
    found.push(
      ((bytes.charCodeAt(start) & 0xff) << 16) |
        ((bytes.charCodeAt(start + 1) & 0xff) << 8) |
        (bytes.charCodeAt(start + 2) & 0xff),
    );
  }
  return found;
}

/** The table of `names` (wire text), sized for them and at most `maxBytes`. */
export function buildGramFilter(names: Iterable<string>, maxBytes: number): GramFilter {
  const all = new Set<number>();
  for (const name of names) for (const gram of grams(name)) all.add(gram);
  let bytes = MIN_TABLE_BYTES;
  while (bytes < maxBytes && bytes * 8 < all.size * BITS_PER_GRAM) bytes *= 2;
  const bits = new Uint8Array(bytes);
  const mask = bytes * 8 - 1;
  for (const gram of all) {
    for (let round = 0; round < TABLE_HASHES; round++) {
      const index = bitIndex(gram, round, mask);
      bits[index >>> 3] = (bits[index >>> 3] ?? 0) | (1 << (index & 7));
    }
  }
  return {bits, hashes: TABLE_HASHES};
}

/** False only when no name in the table can contain `key` (wire text). */
export function mayContain(filter: GramFilter, key: string): boolean {
  const mask = filter.bits.length * 8 - 1;
  for (const gram of grams(key)) {
    for (let round = 0; round < filter.hashes; round++) {
      const index = bitIndex(gram, round, mask);
      if (((filter.bits[index >>> 3] ?? 0) & (1 << (index & 7))) === 0) return false;
    }
  }
  return true;
}
