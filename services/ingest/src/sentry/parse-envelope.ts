import { ingestErrors } from '../errors.js';

export interface EnvelopeItem {
  /** The item header's `type`: event, transaction, session, attachment, … */
  type: string;
  header: Record<string, unknown>;
  payload: Buffer;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

const NEWLINE = 0x0a;

function jsonObject(bytes: Buffer, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw ingestErrors.SENTRY_BAD_ENVELOPE(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ingestErrors.SENTRY_BAD_ENVELOPE(`${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** The line from `start` to the next newline (or the end), and where the next one starts. */
function lineAt(body: Buffer, start: number): { line: Buffer; next: number } {
  const end = body.indexOf(NEWLINE, start);
  return end === -1
    ? { line: body.subarray(start), next: body.length }
    : { line: body.subarray(start, end), next: end + 1 };
}

/** An item's payload: `length` bytes when given (then an optional newline), else the rest of the line. */
function payloadAt(body: Buffer, pos: number, length: unknown, n: number): { payload: Buffer; next: number } {
  if (length === undefined || length === null) {
    const p = lineAt(body, pos);
    return { payload: p.line, next: p.next };
  }
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
    throw ingestErrors.SENTRY_BAD_ENVELOPE(`item ${n}'s length must be a non-negative integer`);
  }
  if (pos + length > body.length) {
    throw ingestErrors.SENTRY_BAD_ENVELOPE(`item ${n} says ${length} bytes, the envelope ends before`);
  }
  const end = pos + length;
  return { payload: body.subarray(pos, end), next: body[end] === NEWLINE ? end + 1 : end };
}

/**
 * Reads a Sentry envelope: a header line of JSON, then items, each a header line of JSON
 * and a payload that is `length` bytes when the header gives one, else the rest of its line.
 * Empty lines between items are skipped, as Sentry's own parser does.
 */
export function parseEnvelope(body: Buffer, maxItems = 100): Envelope {
  const first = lineAt(body, 0);
  const header = jsonObject(first.line, 'the envelope header');
  const items: EnvelopeItem[] = [];
  let pos = first.next;
  while (pos < body.length) {
    const h = lineAt(body, pos);
    pos = h.next;
    if (h.line.length === 0 || (h.line.length === 1 && h.line[0] === 0x0d)) continue;
    const n = items.length + 1;
    const itemHeader = jsonObject(h.line, `item ${n}'s header`);
    const type = itemHeader.type;
    if (typeof type !== 'string' || type === '') {
      throw ingestErrors.SENTRY_BAD_ENVELOPE(`item ${n}'s header has no type`);
    }
    const read = payloadAt(body, pos, itemHeader.length, n);
    pos = read.next;
    const payload = read.payload;
    items.push({ type, header: itemHeader, payload });
    if (items.length > maxItems) throw ingestErrors.SENTRY_BAD_ENVELOPE(`more than ${maxItems} items`);
  }
  return { header, items };
}
