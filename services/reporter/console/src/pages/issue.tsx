import { useState } from 'preact/hooks';
import { ApiError, api, enc } from '../api.js';
import { go, useApi } from '../hooks.js';
import type { Crash, Issue, IssueStatus, Page } from '../types.js';
import { BarList, Card, ErrorBox, Loading, Severity, Time } from '../ui.js';

/**
 * A crash's tags: Sentry's `metadata.tags` when it sends them, else the scalar fields of
 * `metadata` (release, os, …); the user as a tag of its own.
 */
export function tagsOf(c: Crash): Record<string, string> {
  const out: Record<string, string> = {};
  const meta = c.metadata ?? {};
  const tags = meta.tags;
  const source =
    tags && typeof tags === 'object' && !Array.isArray(tags) ? (tags as Record<string, unknown>) : meta;
  for (const [k, v] of Object.entries(source)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  if (c.userId) out.user = c.userId;
  return out;
}

function StackTrace({ frames }: { frames: Crash['stacktrace'] }) {
  if (!frames || frames.length === 0) return <p class="muted">No stack trace.</p>;
  return (
    <ol class="frames" aria-label="Stack trace, innermost frame first">
      {frames.map((f, i) => (
        // Frames have no identity of their own: their order is it.
        <li key={i} class={f.inApp ? 'in-app' : 'lib'}>
          {f.inApp ? <span class="badge">in app</span> : <span class="badge lib">library</span>}{' '}
          <code>{f.method}</code> <span class="muted">in</span> <code>{f.file}</code>
          {f.line !== undefined ? <span class="muted">:{f.line}</span> : null}
          {f.context ? <pre>{f.context}</pre> : null}
        </li>
      ))}
    </ol>
  );
}

function Distribution({ events }: { events: Crash[] }) {
  const byTag = new Map<string, Map<string, number>>();
  for (const e of events) {
    for (const [k, v] of Object.entries(tagsOf(e))) {
      const values = byTag.get(k) ?? new Map<string, number>();
      values.set(v, (values.get(v) ?? 0) + 1);
      byTag.set(k, values);
    }
  }
  if (byTag.size === 0) return <p class="muted">No tags.</p>;
  return (
    <div class="tag-grid">
      {[...byTag].map(([tag, values]) => (
        <div key={tag}>
          <h3>{tag}</h3>
          <BarList label={`values of ${tag}`} rows={[...values].sort((a, b) => b[1] - a[1]).slice(0, 8)} />
        </div>
      ))}
    </div>
  );
}

const ACTIONS: [IssueStatus, string][] = [
  ['resolved', 'Resolve'],
  ['ignored', 'Ignore'],
  ['open', 'Reopen'],
];

export function IssuePage({
  projectId,
  number,
  query,
}: {
  projectId: string;
  number: number;
  query: URLSearchParams;
}) {
  const base = `/v1/projects/${enc(projectId)}/issues/${number}`;
  const issue = useApi<Issue>(base, 1000);
  const [error, setError] = useState<ApiError>();
  const i = issue.data;
  // Event n of N: 1 is the oldest; the page opens on the latest.
  const total = i?.count ?? 0;
  const n = Math.min(Math.max(1, Number(query.get('event') ?? total) || total), Math.max(total, 1));
  const event = useApi<Crash>(i ? `${base}/events/${n}` : null);
  const recent = useApi<Page<Crash>>(i ? `${base}/events?limit=100&order=desc` : null);
  const to = (k: number) => go(`/p/${enc(projectId)}/issues/${number}?event=${k}`);
  const c = event.data;
  return (
    <>
      <p>
        <a href={`#/p/${enc(projectId)}/issues`}>Issues</a>
      </p>
      <ErrorBox error={issue.error ?? error} />
      {!i ? (
        <Loading what="the issue" />
      ) : (
        <>
          <h1>
            #{i.number} {i.title}
          </h1>
          <p class="muted">{i.culprit}</p>
          <dl class="figures">
            <div>
              <dt>Severity</dt>
              <dd>
                <Severity value={i.severity} />
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd id="issue-status">{i.status}</dd>
            </div>
            <div>
              <dt>Count</dt>
              <dd>{i.count}</dd>
            </div>
            <div>
              <dt>First seen</dt>
              <dd>
                <Time ms={i.firstSeen} />
              </dd>
            </div>
            <div>
              <dt>Last seen</dt>
              <dd>
                <Time ms={i.lastSeen} />
              </dd>
            </div>
          </dl>
          <div class="actions">
            {ACTIONS.filter(([s]) => s !== i.status).map(([s, label]) => (
              <button
                type="button"
                key={s}
                onClick={async () => {
                  try {
                    await api(base, { method: 'PATCH', body: { status: s } });
                    setError(undefined);
                    issue.reload();
                  } catch (e) {
                    setError(e instanceof ApiError ? e : undefined);
                  }
                }}
              >
                {label}
              </button>
            ))}
            <a href={`#/p/${enc(projectId)}/search?issue=${number}`}>Search this issue</a>
          </div>
          <Card title="Event">
            <nav class="pager" aria-label="Events of this issue">
              <button type="button" disabled={n <= 1} onClick={() => to(n - 1)}>
                Older
              </button>
              <span id="event-position">
                event {n} of {total}
              </span>
              <button type="button" disabled={n >= total} onClick={() => to(n + 1)}>
                Newer
              </button>
            </nav>
            <ErrorBox error={event.error} />
            {!c ? (
              <Loading what="the event" />
            ) : (
              <>
                <p class="message">{c.message}</p>
                <p class="muted small">
                  {c.eventId} · <Time ms={c.receivedAt} />
                </p>
                <h3>Stack trace</h3>
                <StackTrace frames={c.stacktrace} />
                <h3>Tags</h3>
                <table class="kv">
                  <tbody>
                    {Object.entries(tagsOf(c)).map(([k, v]) => (
                      <tr key={k}>
                        <th scope="row">{k}</th>
                        <td>{v}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <details>
                  <summary>Metadata</summary>
                  <pre>{JSON.stringify(c.metadata ?? {}, null, 2)}</pre>
                </details>
              </>
            )}
          </Card>
          <Card title="Tag values">
            {recent.data ? (
              <>
                <p class="muted small">Over the latest {recent.data.items.length} events.</p>
                <Distribution events={recent.data.items} />
              </>
            ) : (
              <Loading what="tags" />
            )}
          </Card>
        </>
      )}
    </>
  );
}
