export interface OrderCheck {
  /** Seqs found in the users' order lists, all users together. */
  seen: number;
  /** Expected seqs absent from their user's list. */
  missing: number;
  /** Seqs listed more than once. */
  duplicated: number;
  /** Places where a seq is not greater than the one before it. */
  outOfOrder: number;
}

/**
 * Checks the `order:{userId}` lists a drain left against what was produced: each user's
 * list must be exactly 1..n. A consumer that is fast because it drops, repeats or reorders
 * events shows it here instead of in a better figure.
 */
export function checkOrder(expected: Map<string, number>, lists: Map<string, string[]>): OrderCheck {
  const result: OrderCheck = { seen: 0, missing: 0, duplicated: 0, outOfOrder: 0 };
  for (const [userId, n] of expected) {
    const seqs = (lists.get(userId) ?? []).map(Number);
    result.seen += seqs.length;
    const distinct = new Set(seqs);
    result.duplicated += seqs.length - distinct.size;
    for (let s = 1; s <= n; s++) if (!distinct.has(s)) result.missing++;
    for (let i = 1; i < seqs.length; i++) {
      if ((seqs[i] ?? 0) <= (seqs[i - 1] ?? 0)) result.outOfOrder++;
    }
  }
  return result;
}

export function orderIsExact(check: OrderCheck): boolean {
  return check.missing === 0 && check.duplicated === 0 && check.outOfOrder === 0;
}
