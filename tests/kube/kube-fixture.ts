import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { createRedis, type Redis } from '@evh/redis';
import { repoRoot } from '@evh/testing';

// biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the service answered.
type Json = any;

const bin = join(
  process.env.EVH_CACHE ?? join(process.env.HOME ?? '/root', '.cache/event-horizon'),
  'tools/bin',
);

/** The release under test (tests/kube/run.sh installs it). */
export const namespace = required('EVH_KUBE_NAMESPACE');
export const release = process.env.EVH_KUBE_RELEASE ?? 'evh';
export const mode = process.env.EVH_KUBE_MODE ?? 'full';
/** The repository. */
export const root = repoRoot;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the system tests with make kube-test`);
  return value;
}

export function kubectl(args: string[], input?: string): string {
  return execFileSync(join(bin, 'kubectl'), ['-n', namespace, ...args], {
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
}

export function helm(args: string[]): string {
  return execFileSync(join(bin, 'helm'), ['-n', namespace, ...args], {
    encoding: 'utf8',
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
}

export function kubectlJson(args: string[]): Json {
  return JSON.parse(kubectl([...args, '-o', 'json']));
}

/** A Service's ClusterIP address: the host reaches it through kube-proxy's rules. */
export function serviceUrl(component: string, port: number): string {
  const ip = kubectl([
    'get',
    'service',
    `${release}-${component}`,
    '-o',
    'jsonpath={.spec.clusterIP}',
  ]).trim();
  return `http://${ip}:${port}`;
}

export const ingestUrl = () => serviceUrl('ingest', 3000);
export const reporterUrl = () => serviceUrl('reporter', 3001);

export async function request(
  url: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<{ status: number; json: Json }> {
  const { json, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    headers: json === undefined ? rest.headers : { 'content-type': 'application/json', ...rest.headers },
    body: json === undefined ? rest.body : JSON.stringify(json),
    signal: rest.signal ?? AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let parsed: Json = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, json: parsed };
}

/** The release's own Redis (no key prefix in the chart's defaults), through its pod's address: its Service is headless. */
export async function releaseRedis(): Promise<Redis> {
  const ip = kubectl(['get', 'pod', `${release}-redis-0`, '-o', 'jsonpath={.status.podIP}']).trim();
  const redis = createRedis({ url: `redis://${ip}:6379`, name: 'kube-test' });
  await redis.connect();
  return redis;
}

export function pods(component: string): Json[] {
  return kubectlJson([
    'get',
    'pods',
    '-l',
    `app.kubernetes.io/instance=${release},app.kubernetes.io/component=${component}`,
  ]).items;
}

export function readyPods(component: string): Json[] {
  return pods(component).filter(
    (p: Json) =>
      !p.metadata.deletionTimestamp &&
      p.status.conditions?.some((c: Json) => c.type === 'Ready' && c.status === 'True'),
  );
}

/**
 * The release's admin token, from the Secret the chart generated, as NOTES.txt tells a user to
 * read it. Read once per test file.
 */
let admin: string | undefined;
export function adminToken(): string {
  admin ??= Buffer.from(
    kubectl(['get', 'secret', `${release}-admin-token`, '-o', 'jsonpath={.data.ADMIN_TOKEN}']).trim(),
    'base64',
  ).toString('utf8');
  if (!admin) throw new Error(`the Secret ${release}-admin-token holds no ADMIN_TOKEN`);
  return admin;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const asAdmin = () => bearer(adminToken());

export interface ProjectKeys {
  projectId: string;
  ingestKey: string;
  readToken: string;
}

/** A project created through the reporter's admin API, as a user would before sending to it. */
export async function createProject(projectId: string): Promise<ProjectKeys> {
  const res = await request(`${reporterUrl()}/v1/projects`, {
    method: 'POST',
    headers: asAdmin(),
    json: { name: projectId, projectId },
  });
  if (res.status !== 201) throw new Error(`POST /v1/projects: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json;
}

/**
 * Sends until the ingest stops answering 401: every ingest pod re-reads the credentials within
 * AUTH_REFRESH_MS (500 ms) of a change, so a key just created is known there moments later.
 */
export async function sendOnceKnown(send: () => Promise<{ status: number; json: Json }>) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const res = await send();
    if (res.status !== 401 || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Waits until the ingest knows an ingest key without storing anything: a crash for another
 * project is a 403 once the key is known (a 401 before).
 */
export async function awaitKeyKnown(ingestKey: string): Promise<void> {
  const res = await sendOnceKnown(() =>
    request(`${ingestUrl()}/v1/crashes`, {
      method: 'POST',
      headers: bearer(ingestKey),
      json: { projectId: 'kube-test-not-this-project', severity: 'error', message: 'probe', stacktrace: [] },
    }),
  );
  if (res.status !== 403) throw new Error(`the ingest answered ${res.status} for a new key's probe`);
}
