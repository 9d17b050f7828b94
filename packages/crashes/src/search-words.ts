/** Words shorter than this are not indexed: they match nearly everything. */
const MIN_WORD = 2;
const MAX_WORD = 40;
/** A message contributes at most this many distinct words: bounds the writes per crash. */
const MAX_WORDS = 48;

/**
 * The words a message is indexed under and a query is split into: lower-case runs of
 * letters and digits (Unicode-aware), deduplicated, in first-seen order.
 */
export function searchWords(text: string, limit = MAX_WORDS): string[] {
  const seen = new Set<string>();
  for (const match of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0];
    if (word.length < MIN_WORD || word.length > MAX_WORD) continue;
    seen.add(word);
    if (seen.size >= limit) break;
  }
  return [...seen];
}
