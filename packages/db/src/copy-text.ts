/**
 * COPY's text format (one row a line, fields separated by tabs, `\N` for NULL): the cheapest
 * way to hand PostgreSQL many rows. Backslash, tab, newline and carriage return are escaped.
 * NUL cannot be stored in a PostgreSQL text value at all, so it becomes U+FFFD, as an invalid
 * UTF-8 byte already did when the line was read.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters COPY cannot take
const SPECIAL = /[\\\t\n\r\u0000]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const SPECIAL_ALL = /[\\\t\n\r\u0000]/g;
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
  '\u0000': '\uFFFD',
};

export const COPY_NULL = '\\N';

/** One field of a row: `null` and `undefined` are NULL. */
export function copyField(value: string | null | undefined): string {
  if (value === null || value === undefined) return COPY_NULL;
  // Almost no log field needs escaping: test once, replace only then.
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c] as string) : value;
}

/**
 * A JSON value for a jsonb field, or NULL. jsonb refuses the escape \u0000 too: it becomes
 * \ufffd, like a NUL in a text field.
 */
export function copyJson(value: unknown): string {
  if (value === undefined || value === null) return COPY_NULL;
  const json = JSON.stringify(value);
  return copyField(json.includes('\\u0000') ? json.replaceAll('\\u0000', '\\ufffd') : json);
}
