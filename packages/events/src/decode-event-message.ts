import { type EventMessage, eventMessageSchema, PLAIN_EVENT_KIND } from './event-message.js';

export type Decoded = { ok: true; message: EventMessage } | { ok: false; reason: string };

// The same rule as eventIdSchema, checked without building a zod result.
const ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Whether a parsed value is a well-formed plain event, by hand: almost every message is one,
 * and this costs a few property reads where the zod union costs an object walk and
 * allocations. It accepts exactly what eventMessageSchema accepts for a plain event (a test
 * checks the two agree); anything it does not accept goes through the schema, which decides
 * and says why.
 */
function isPlainEvent(v: Record<string, unknown>): boolean {
  if (v.kind !== PLAIN_EVENT_KIND && v.kind !== undefined) return false;
  const { id, userId, type, timestamp, payload } = v;
  if (typeof id !== 'string' || !ID.test(id)) return false;
  if (typeof userId !== 'string' || typeof type !== 'string') return false;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp < 0) return false;
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return false;
  const { seq, fail } = payload as { seq?: unknown; fail?: unknown };
  if (seq !== undefined && !(typeof seq === 'number' && Number.isSafeInteger(seq) && seq > 0)) return false;
  return fail === undefined || typeof fail === 'boolean';
}

/** Parses the value of an `events` message once: the message, or why it is not one. */
export function decodeEventMessage(json: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if (isPlainEvent(v)) {
      if (v.kind === undefined) v.kind = PLAIN_EVENT_KIND;
      return { ok: true, message: v as EventMessage };
    }
  }
  const parsed = eventMessageSchema.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  return { ok: false, reason: `${where}${issue?.message ?? 'not an event message'}` };
}
