import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, repoRoot, tempDir, waitFor } from '@evh/testing';

const execFileAsync = promisify(execFile);

/** A span as Jaeger's query API (`/api/traces/:id`) returns it, with its service resolved. */
export interface JaegerSpan {
  spanID: string;
  operationName: string;
  service: string;
  /** The parent span's id (a CHILD_OF reference), if any. */
  parent?: string;
  /** Span ids this span links to (FOLLOWS_FROM references), across traces. */
  links: string[];
  tags: Record<string, unknown>;
}

export interface Jaeger {
  /** OTLP/HTTP base URL, the services' OTEL_EXPORTER_OTLP_ENDPOINT. */
  otlpEndpoint: string;
  /** The UI and its JSON API. */
  queryUrl: string;
  /** The trace's spans so far (empty while Jaeger has none). */
  spans(traceId: string): Promise<JaegerSpan[]>;
  stop(): Promise<void>;
}

interface RawTrace {
  spans: {
    spanID: string;
    operationName: string;
    processID: string;
    references?: { refType: string; spanID: string }[];
    tags?: { key: string; value: unknown }[];
  }[];
  processes: Record<string, { serviceName: string }>;
}

async function script(args: string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync('bash', [join(repoRoot, 'tests/infra/jaeger.sh'), ...args], {
      cwd: repoRoot,
      timeout: 120_000,
    });
    return stdout;
  } catch (err) {
    const { stderr } = err as { stderr?: string };
    throw new Error(`jaeger.sh ${args.join(' ')} failed: ${(err as Error).message}\n${stderr ?? ''}`);
  }
}

/** Jaeger of the test's own (tests/infra/jaeger.sh), on free ports, in-memory. */
export async function startJaeger(): Promise<Jaeger> {
  const run = tempDir('evh-jaeger-');
  const [otlp, query] = [await freePort(), await freePort()];
  const env = Object.fromEntries(
    (await script(['start', run, String(otlp), String(query)]))
      .trim()
      .split(/\s+/)
      .map((word) => word.split('=', 2) as [string, string]),
  );
  const queryUrl = env.JAEGER_QUERY_URL as string;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await script(['stop', run]);
  };
  return {
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT as string,
    queryUrl,
    async spans(traceId) {
      const res = await fetch(`${queryUrl}/api/traces/${traceId}`);
      if (res.status === 404) return [];
      if (res.status !== 200) throw new Error(`jaeger answered ${res.status}: ${await res.text()}`);
      const body = (await res.json()) as { data: RawTrace[] };
      return body.data.flatMap((t) =>
        t.spans.map((s) => ({
          spanID: s.spanID,
          operationName: s.operationName,
          service: t.processes[s.processID]?.serviceName ?? '?',
          parent: s.references?.find((r) => r.refType === 'CHILD_OF')?.spanID,
          links: (s.references ?? []).filter((r) => r.refType === 'FOLLOWS_FROM').map((r) => r.spanID),
          tags: Object.fromEntries((s.tags ?? []).map((t) => [t.key, t.value])),
        })),
      );
    },
    stop,
  };
}

/** Waits until the trace holds spans that `complete` accepts (exports are batched). */
export async function waitForTrace(
  jaeger: Jaeger,
  traceId: string,
  what: string,
  complete: (spans: JaegerSpan[]) => boolean,
): Promise<JaegerSpan[]> {
  let last: JaegerSpan[] = [];
  try {
    const spans = await waitFor(
      `trace ${traceId}: ${what}`,
      async () => {
        last = await jaeger.spans(traceId);
        return complete(last) ? last : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const services = [...new Set(spans.map((s) => s.service))].join(', ');
    console.log(`trace ${traceId} (${what}): ${spans.length} spans from ${services}`);
    return spans;
  } catch (err) {
    const seen = last.map((s) => `${s.service}: ${s.operationName} ${s.spanID}<-${s.parent ?? '-'}`);
    throw new Error(`${(err as Error).message}\nspans seen:\n${seen.join('\n')}`);
  }
}

/** A W3C traceparent of a new, sampled trace, as a client with its own tracing would send. */
export function newTraceparent(): { traceId: string; traceparent: string } {
  const hex = (bytes: number) =>
    Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join(
      '',
    );
  const traceId = hex(16);
  return { traceId, traceparent: `00-${traceId}-${hex(8)}-01` };
}
