import { connect } from 'node:net';

/**
 * What one malformed request got: a status; `closed`, the server closed the connection without
 * an answer the client could read (a 10 MB body refused while still being sent: the server's
 * reset discards its 413 on the client's side); `error`, no connection; or `hung`.
 */
type Outcome = number | 'closed' | 'error' | 'hung';

export interface MalformedStats {
  requests: number;
  statuses: Record<string, number>;
  /** Any 5xx: bad input is the client's fault, always a 4xx. */
  fiveXx: number;
  /** Requests with no answer within the client's timeout. */
  hung: number;
  /** Slow senders: how many the server cut off (408 or closed) within the bound. */
  slowCutOff: number;
  slowSent: number;
}

const HUNG_MS = 15_000;
const JSON_ROUTES = ['/events', '/events/batch', '/v1/crashes'];
const UPLOAD = '/api/v1/files/upload';

const tenMegabytes = `{"userId":"u","type":"t","payload":{"x":"${'x'.repeat(10 * 1024 * 1024)}"}}`;
const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
const bodies: { type: string | null; body: string | Buffer }[] = [
  { type: 'application/json', body: '{' },
  { type: 'application/json', body: '' },
  { type: 'application/json', body: 'null' },
  { type: 'application/json', body: '[]' },
  { type: 'application/json', body: '"text"' },
  { type: 'application/json', body: '12345678901234567890123' },
  { type: 'application/json', body: '{"userId":1,"type":"t"}' },
  { type: 'application/json', body: '{"userId":"u","type":"t","payload":{"seq":-1}}' },
  { type: 'application/json', body: '{"userId":"u","type":"t","payload":{"seq":1.5}}' },
  { type: 'application/json', body: '{"userId":"u","type":"t","eventId":"bad id!"}' },
  { type: 'application/json', body: `{"userId":"${'x'.repeat(300)}","type":"t"}` },
  { type: 'application/json', body: '{"__proto__":{"polluted":1},"userId":"u","type":"t"}' },
  { type: 'application/json', body: '{"constructor":{"prototype":{"polluted":1}}}' },
  { type: 'application/json', body: deep },
  { type: 'application/json', body: '{"events":"all of them"}' },
  { type: 'application/json', body: '{"events":[]}' },
  { type: 'application/json', body: '{"events":[null,1,"x",{},[]]}' },
  {
    type: 'application/json',
    body: JSON.stringify({ events: Array.from({ length: 1001 }, () => ({ userId: 'u', type: 't' })) }),
  },
  { type: 'application/json', body: '{"projectId":"bad/id","message":""}' },
  { type: 'application/json', body: '{"projectId":"p","message":"m","stacktrace":[{"file":1}]}' },
  { type: 'application/json', body: '{"projectId":"p","message":"m","metadata":[]}' },
  { type: 'application/json', body: '{"projectId":"p","message":"m","severity":"fatal"}' },
  { type: 'application/json', body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
  { type: 'application/json; charset=utf-16', body: '{"userId":"u","type":"t"}' },
  { type: 'text/plain', body: '{"userId":"u","type":"t"}' },
  { type: 'application/x-www-form-urlencoded', body: 'userId=u&type=t' },
  { type: null, body: '{"userId":"u","type":"t"}' },
];

function multipart(boundary: string, parts: string): string {
  return parts.replaceAll('{b}', `--${boundary}`);
}
const fileHead = (name: string) =>
  `{b}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
const uploads: { type: string; body: string }[] = [
  // Cut off inside the file part: no closing boundary.
  { type: 'multipart/form-data; boundary=b', body: multipart('b', `${fileHead('a.jsonl')}\r\n`) },
  { type: 'multipart/form-data; boundary=b', body: multipart('b', `${fileHead('a.jsonl')}{"a":1}\n{"b"`) },
  // Cut off inside the part's headers.
  { type: 'multipart/form-data; boundary=b', body: multipart('b', '{b}\r\nContent-Disposition: form-da') },
  // No file field; an empty file; a file of the wrong type; a boundary that never appears.
  {
    type: 'multipart/form-data; boundary=b',
    body: multipart('b', '{b}\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n{b}--\r\n'),
  },
  { type: 'multipart/form-data; boundary=b', body: multipart('b', `${fileHead('a.jsonl')}\r\n{b}--\r\n`) },
  { type: 'multipart/form-data; boundary=b', body: multipart('b', `${fileHead('a.exe')}MZ\r\n{b}--\r\n`) },
  {
    type: 'multipart/form-data; boundary=zzz',
    body: multipart('b', `${fileHead('a.jsonl')}{}\r\n{b}--\r\n`),
  },
  { type: 'multipart/form-data', body: 'no boundary at all' },
  { type: 'application/json', body: '{"file":"not multipart"}' },
];

async function fetchOutcome(url: string, init: RequestInit): Promise<Outcome> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(HUNG_MS) });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    return (err as Error).name === 'TimeoutError' ? 'hung' : 'error';
  }
}

/**
 * A request over a raw socket, so the answer is read even when the server answers before the
 * body is through and closes (a 413 to a 10 MB body: fetch would report only the broken pipe).
 * `announced` > the body's length cuts the body off: the connection then ends mid-body.
 */
function rawRequest(
  base: string,
  path: string,
  type: string,
  body: string,
  announced = body.length,
): Promise<Outcome> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('hung');
    }, HUNG_MS);
    socket.on('error', () => {});
    socket.on('data', (d) => {
      answer += d.toString('latin1', 0, Math.min(d.length, 64));
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      resolve(status ? Number(status) : 'closed');
    });
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: ${type}\r\nContent-Length: ${announced}\r\nConnection: close\r\n\r\n`,
    );
    socket.write(body);
    socket.end();
  });
}

/**
 * A sender that announces a body and sends it a byte at a time, slower than any client
 * should: resolves true when the server cuts it off (an answer or a close) within `boundMs`.
 */
export function slowSender(
  base: string,
  path: string,
  byteEveryMs: number,
  boundMs: number,
): Promise<boolean> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const finish = (cut: boolean) => {
      clearInterval(drip);
      clearTimeout(bound);
      socket.destroy();
      resolve(cut);
    };
    const bound = setTimeout(() => finish(false), boundMs);
    const drip = setInterval(() => socket.write('{'), byteEveryMs);
    socket.on('error', () => finish(true));
    socket.on('data', () => finish(true));
    socket.on('close', () => finish(true));
    socket.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`,
    );
  });
}

/** One malformed request of the mix, chosen by its index so every kind recurs. */
function request(base: string, i: number): Promise<Outcome> {
  // Every 500th: a 10 MB body (over every route's limit).
  if (i % 500 === 499) {
    const route = JSON_ROUTES[(i / 500) % JSON_ROUTES.length] as string;
    return rawRequest(base, route, 'application/json', tenMegabytes);
  }
  const kind = i % (bodies.length + uploads.length + 2);
  if (kind < bodies.length) {
    const { type, body } = bodies[kind] as (typeof bodies)[number];
    const route = JSON_ROUTES[Math.floor(i / 7) % JSON_ROUTES.length] as string;
    return fetchOutcome(`${base}${route}`, {
      method: 'POST',
      headers: type ? { 'content-type': type } : {},
      body,
    });
  }
  const u = kind - bodies.length;
  if (u < uploads.length) {
    const { type, body } = uploads[u] as (typeof uploads)[number];
    return fetchOutcome(`${base}${UPLOAD}`, { method: 'POST', headers: { 'content-type': type }, body });
  }
  // The connection ends before the announced body did: an upload and a JSON route.
  const cut = multipart('b', `${fileHead('c.jsonl')}{}\n`);
  return u === uploads.length
    ? rawRequest(base, UPLOAD, 'multipart/form-data; boundary=b', cut, cut.length + 1000)
    : rawRequest(base, '/events', 'application/json', '{"userId":"u"', 1000);
}

/** Sends `count` malformed requests, `concurrency` at a time, and counts the answers. */
export async function sendMalformed(
  base: string,
  count: number,
  {
    concurrency = 8,
    slow = 0,
    slowBoundMs = 45_000,
  }: { concurrency?: number; slow?: number; slowBoundMs?: number } = {},
): Promise<MalformedStats> {
  const stats: MalformedStats = {
    requests: 0,
    statuses: {},
    fiveXx: 0,
    hung: 0,
    slowCutOff: 0,
    slowSent: slow,
  };
  const slowOnes = Array.from({ length: slow }, (_, i) =>
    slowSender(base, JSON_ROUTES[i % JSON_ROUTES.length] as string, 2000, slowBoundMs),
  );
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const outcome = await request(base, next++);
      stats.requests++;
      stats.statuses[String(outcome)] = (stats.statuses[String(outcome)] ?? 0) + 1;
      if (outcome === 'hung') stats.hung++;
      else if (typeof outcome === 'number' && outcome >= 500) stats.fiveXx++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  stats.slowCutOff = (await Promise.all(slowOnes)).filter(Boolean).length;
  return stats;
}
