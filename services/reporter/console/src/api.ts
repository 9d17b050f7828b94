import { loadSession } from './session.js';

/** An answer of the reporter that is not a success, with the API's own code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Called on a 401: the stored token stopped working (revoked, rotated away). */
let onUnauthorized: (e: ApiError) => void = () => undefined;
export function whenUnauthorized(handler: (e: ApiError) => void): void {
  onUnauthorized = handler;
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** A token to try instead of the session's (sign-in). */
  token?: string;
}

/** A call to the reporter's own HTTP API, with the session's token as a bearer header. */
export async function api<T>(path: string, o: CallOptions = {}): Promise<T> {
  const token = o.token ?? loadSession()?.token;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: o.method ?? 'GET',
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', `the reporter did not answer (${String(err)})`);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { message: text };
  }
  if (!res.ok) {
    const b = (body ?? {}) as { code?: string; message?: string };
    const e = new ApiError(res.status, b.code ?? `HTTP_${res.status}`, b.message ?? res.statusText);
    if (res.status === 401 && o.token === undefined) onUnauthorized(e);
    throw e;
  }
  return body as T;
}

export const enc = encodeURIComponent;
