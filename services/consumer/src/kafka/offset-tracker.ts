/**
 * The offsets of one partition handed to processing and not finished yet. Work finishes out
 * of order (users run concurrently), but the committed offset may only move past a
 * contiguous finished prefix: committing further would lose an unfinished event on a crash.
 */
export interface OffsetTracker {
  /** Registers the next offset (offsets arrive in increasing order); call the result when it is done. */
  add(offset: bigint): () => void;
  /**
   * The offset to commit (the next one to read): the oldest unfinished offset, or one past
   * the newest when every offset is finished; undefined before the first add.
   */
  readonly committable: bigint | undefined;
  /** Offsets added and not finished. */
  readonly pending: number;
  /** The offset after the newest added; undefined before the first add. */
  readonly next: bigint | undefined;
}

interface Entry {
  offset: bigint;
  done: boolean;
}

export function createOffsetTracker(): OffsetTracker {
  // A queue of entries in offset order; the finished prefix is dropped as it forms.
  let entries: Entry[] = [];
  let head = 0;
  let next: bigint | undefined;
  let pending = 0;

  function advance(): void {
    while (head < entries.length && entries[head]?.done) head++;
    // Compact once the dropped prefix dominates, so memory follows what is pending.
    if (head > 1024 && head * 2 > entries.length) {
      entries = entries.slice(head);
      head = 0;
    }
  }

  return {
    add(offset) {
      if (next !== undefined && offset < next) {
        throw new RangeError(`offset ${offset} added after ${next - 1n}`);
      }
      const entry: Entry = { offset, done: false };
      entries.push(entry);
      next = offset + 1n;
      pending++;
      return () => {
        if (entry.done) return;
        entry.done = true;
        pending--;
        advance();
      };
    },
    get committable() {
      return head < entries.length ? entries[head]?.offset : next;
    },
    get pending() {
      return pending;
    },
    get next() {
      return next;
    },
  };
}
