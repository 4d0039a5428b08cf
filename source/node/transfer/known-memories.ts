/**
 * The shared memories (receive batches) the hashing worker has been sent,
 * each under a small index that an offer names instead of the memory itself:
 * a memory crosses to the worker in one message, the first time it is
 * offered, and is named by index for as long as it stays in use. The table
 * is bounded: a new memory takes the index of the one used longest ago that
 * no offer holds.
 */
export const MAX_KNOWN_MEMORIES = 32;

export class KnownMemories {
  /** In order of last use, oldest first. */
  private readonly indexes = new Map<SharedArrayBuffer, number>();
  private sentCount = 0;

  constructor(
    private readonly send: (memory: SharedArrayBuffer, index: number) => void,
    private readonly capacity = MAX_KNOWN_MEMORIES,
  ) {}

  /** Memories sent so far: an offer carries it, so the worker reads those messages first. */
  get sent(): number {
    return this.sentCount;
  }

  /**
   * The memory's index, sending it to the worker if it is new; undefined when
   * the table is full and every index is held.
   */
  indexOf(
    memory: SharedArrayBuffer,
    isHeld: (index: number) => boolean,
  ): number | undefined {
    const known = this.indexes.get(memory);
    if (known !== undefined) {
      this.indexes.delete(memory);
      this.indexes.set(memory, known);
      return known;
    }
    let index = this.indexes.size;
    if (index >= this.capacity) {
      const unused = [...this.indexes].find(([, candidate]) => !isHeld(candidate));
      if (!unused) return undefined;
      this.indexes.delete(unused[0]);
      index = unused[1];
    }
    this.indexes.set(memory, index);
    this.send(memory, index);
    this.sentCount++;
    return index;
  }
}
