export interface DuplicateLineDetector {
  /** Returns how many lines back the same text was last seen, or undefined. */
  push(text: string, lineNo: number): number | undefined;
}

const EMPTY = -1;

// The multipliers of the two lanes (odd, with well-spread bits).
const K_A = 2654435761;
const K_B = 1597334677;

/**
 * A 64-bit fingerprint of a line as two 32-bit halves, in one pass over its characters: two
 * multiplicative lanes with different odd constants, cross-mixed at the end so every bit of
 * each half depends on every character (the scheme of the public-domain cyrb53 hash, kept at
 * 64 bits). Two UTF-16 code units are packed into each 32-bit step, losslessly, which halves
 * the multiplications. Not cryptographic: a crafted file could make two lines collide, which
 * would only report a false duplicate.
 */
function fingerprint(text: string, out: Int32Array): void {
  const length = text.length;
  let a = 0xdeadbeef ^ length;
  let b = 0x41c6ce57 ^ length;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    const pair = text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16);
    a = Math.imul(a ^ pair, K_A);
    b = Math.imul(b ^ pair, K_B);
  }
  if (i < length) {
    a = Math.imul(a ^ text.charCodeAt(i), K_A);
    b = Math.imul(b ^ text.charCodeAt(i), K_B);
  }
  a = Math.imul(a ^ (a >>> 16), 2246822507);
  a ^= Math.imul(b ^ (b >>> 13), 3266489909);
  b = Math.imul(b ^ (b >>> 16), 2246822507);
  b ^= Math.imul(a ^ (a >>> 13), 3266489909);
  out[0] = a;
  out[1] = b;
}

/**
 * Remembers the last `memory` lines by fingerprint. An identical payment line (same second,
 * user, service and message) is a replay or a double post; duplicates further apart than the
 * memory are missed, which is the price of bounded memory and speed.
 *
 * Nothing is allocated per line and no line is kept: a ring of `memory` slots holds each
 * line's 64-bit fingerprint, length and number (the ring says which line to forget next, in
 * O(1)), and an open-addressing table twice the ring's size maps a fingerprint to the slot of
 * its latest line. The default 1,000 lines is about 28 KB and stays in cache. A Map keyed by
 * the lines themselves, as before, hashed and compared whole strings and kept a thousand of
 * them alive through every young-generation GC. Two different lines are taken for the same
 * only if their lengths and 64-bit fingerprints all match: about one chance in 2^64 / memory
 * per line, under 10^-9 for a 7-million-line upload.
 */
export function createDuplicateLineDetector(memory: number): DuplicateLineDetector {
  let size = 2;
  while (size < memory * 2) size *= 2;
  const mask = size - 1;
  /** Fingerprint's home bucket onwards (linear probing): the ring slot of its latest line, or EMPTY. */
  const table = new Int32Array(size).fill(EMPTY);
  const ringA = new Int32Array(memory);
  const ringB = new Int32Array(memory);
  const ringLength = new Int32Array(memory);
  const ringLine = new Float64Array(memory);
  const hash = new Int32Array(2);
  let filled = 0;
  let pos = 0;

  /** The bucket holding this fingerprint, or the empty bucket where it would go. */
  function bucketOf(a: number, b: number, length: number): number {
    let i = a & mask;
    for (let slot = table[i] as number; slot !== EMPTY; slot = table[i] as number) {
      if (ringA[slot] === a && ringB[slot] === b && ringLength[slot] === length) return i;
      i = (i + 1) & mask;
    }
    return i;
  }

  /** Empties bucket `i`, moving later buckets of the same probe run back (no tombstones). */
  function clear(i: number): void {
    let hole = i;
    table[hole] = EMPTY;
    for (let j = (hole + 1) & mask; table[j] !== EMPTY; j = (j + 1) & mask) {
      const home = (ringA[table[j] as number] as number) & mask;
      // The entry at j may fill the hole unless its home lies cyclically in (hole, j].
      const stays = hole < j ? home > hole && home <= j : home > hole || home <= j;
      if (stays) continue;
      table[hole] = table[j] as number;
      table[j] = EMPTY;
      hole = j;
    }
  }

  return {
    push(text, lineNo) {
      if (memory === 0) return undefined;
      fingerprint(text, hash);
      const a = hash[0] as number;
      const b = hash[1] as number;
      const length = text.length;
      const found = table[bucketOf(a, b, length)] as number;
      const before = found === EMPTY ? undefined : ringLine[found];
      if (filled === memory) {
        // Forget the oldest line unless it was seen again since (then its newer slot owns it).
        const leaving = bucketOf(ringA[pos] as number, ringB[pos] as number, ringLength[pos] as number);
        if (table[leaving] === pos) clear(leaving);
      } else {
        filled++;
      }
      ringA[pos] = a;
      ringB[pos] = b;
      ringLength[pos] = length;
      ringLine[pos] = lineNo;
      table[bucketOf(a, b, length)] = pos;
      pos = (pos + 1) % memory;
      return before === undefined ? undefined : lineNo - before;
    },
  };
}
