/**
 * The offsets of one partition handed to processing and not finished yet. Work finishes out
 * of order (users run concurrently), but the committed offset may only move past a
 * contiguous finished prefix: committing further would lose an unfinished event on a crash.
 * And only past events finished `durableAfterMs` ago: Redis acknowledges a write before it
 * is on disk (appendfsync everysec), so a host crash can take the last second or two of
 * final states with it, and those events must still be read again from Kafka (ADR 0007).
 */
export interface OffsetTracker {
  /** Registers the next offset (offsets arrive in increasing order); call the result when it is done. */
  add(offset: bigint): () => void;
  /**
   * The offset to commit (the next one to read): the oldest unfinished offset, or one past
   * the newest when every offset is finished, as it was `durableAfterMs` ago; undefined
   * before the first add.
   */
  readonly committable: bigint | undefined;
  /** The oldest unfinished offset (one past the newest when all are finished), durable or not. */
  readonly unfinishedFrom: bigint | undefined;
  /** Offsets added and not finished. */
  readonly pending: number;
  /** The offset after the newest added; undefined before the first add. */
  readonly next: bigint | undefined;
}

export interface OffsetTrackerOptions {
  /** How long a finished prefix waits before it may be committed (0: at once). */
  durableAfterMs?: number;
  now?: () => number;
}

interface Entry {
  offset: bigint;
  done: boolean;
}

/** A boundary the finished prefix reached, and when: committable once `at` is old enough. */
interface Mark {
  offset: bigint;
  at: number;
}

// Boundaries reached within one slot share a mark (its time is the latest), so a busy
// partition keeps about durableAfterMs / MARK_SLOT_MS marks, whatever its event rate.
const MARK_SLOT_MS = 50;

export function createOffsetTracker(options: OffsetTrackerOptions = {}): OffsetTracker {
  const durableAfterMs = options.durableAfterMs ?? 0;
  const now = options.now ?? Date.now;
  // A queue of entries in offset order; the finished prefix is dropped as it forms.
  let entries: Entry[] = [];
  let head = 0;
  let next: bigint | undefined;
  let pending = 0;
  // Boundaries not yet old enough, oldest first, and the newest one that is.
  let marks: Mark[] = [];
  let markHead = 0;
  let durable: bigint | undefined;

  const boundary = () => (head < entries.length ? entries[head]?.offset : next);

  /** The prefix reached `offset` at `at`; it becomes committable durableAfterMs later. */
  function mark(offset: bigint, at: number): void {
    if (durableAfterMs === 0) return;
    const last = markHead < marks.length ? marks[marks.length - 1] : undefined;
    if (last && Math.floor(last.at / MARK_SLOT_MS) === Math.floor(at / MARK_SLOT_MS)) {
      last.offset = offset;
      last.at = Math.max(last.at, at);
    } else {
      marks.push({ offset, at });
    }
  }

  function advance(): void {
    const before = head;
    while (head < entries.length && entries[head]?.done) head++;
    if (head !== before) mark(boundary() as bigint, now());
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
      const idle = head === entries.length;
      const entry: Entry = { offset, done: false };
      entries.push(entry);
      next = offset + 1n;
      pending++;
      if (idle) {
        // Everything before `offset` was finished already: the boundary moves over offsets
        // that do not exist (compaction, transaction markers), as durable as the last mark.
        const last = markHead < marks.length ? marks[marks.length - 1] : undefined;
        if (last) last.offset = offset;
        else durable = offset;
      }
      return () => {
        if (entry.done) return;
        entry.done = true;
        pending--;
        advance();
      };
    },
    get committable() {
      if (durableAfterMs === 0) return boundary();
      const limit = now() - durableAfterMs;
      while (markHead < marks.length && (marks[markHead] as Mark).at <= limit) {
        durable = (marks[markHead] as Mark).offset;
        markHead++;
      }
      if (markHead > 64 && markHead * 2 > marks.length) {
        marks = marks.slice(markHead);
        markHead = 0;
      }
      return durable;
    },
    get unfinishedFrom() {
      return boundary();
    },
    get pending() {
      return pending;
    },
    get next() {
      return next;
    },
  };
}
