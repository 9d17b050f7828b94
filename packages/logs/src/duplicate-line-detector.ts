export interface DuplicateLineDetector {
  /** Returns how many lines back the same text was last seen, or undefined. */
  push(text: string, lineNo: number): number | undefined;
}

/**
 * Remembers the last `memory` lines. An identical payment line (same second, user, service
 * and message) is a replay or a double post; duplicates further apart than the memory are
 * missed, which is the price of bounded memory and speed (the default 1,000 lines is about
 * 100 KB and stays in cache; hashing every line still costs about a quarter of the analysis
 * time, set 0 to turn it off). A ring of the remembered lines says which to forget next, in
 * O(1): evicting "the oldest key" of a Map instead degrades badly, as V8 leaves deleted
 * entries at the front of the table for every iterator to skip.
 */
export function createDuplicateLineDetector(memory: number): DuplicateLineDetector {
  const lastSeen = new Map<string, number>();
  const ringText: (string | undefined)[] = new Array(memory).fill(undefined);
  const ringLine = new Float64Array(memory);
  let pos = 0;
  return {
    push(text, lineNo) {
      if (memory === 0) return undefined;
      const before = lastSeen.get(text);
      const leaving = ringText[pos];
      // Forget the oldest line unless it was seen again since (then its newer slot owns it).
      if (leaving !== undefined && lastSeen.get(leaving) === ringLine[pos]) lastSeen.delete(leaving);
      ringText[pos] = text;
      ringLine[pos] = lineNo;
      pos = (pos + 1) % memory;
      lastSeen.set(text, lineNo);
      return before === undefined ? undefined : lineNo - before;
    },
  };
}
