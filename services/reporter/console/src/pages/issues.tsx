import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api.js';
import { go, useApi } from '../hooks.js';
import type { Crash, Issue, Page } from '../types.js';
import { ErrorBox, Loading, Severity, Sparkline, Time } from '../ui.js';

const HOUR = 3_600_000;

/** Crashes per hour over the last 24 hours, from the issue's latest events (at most 100). */
function useTrend(projectId: string, issue: Issue): number[] | undefined {
  const [trend, setTrend] = useState<number[]>();
  useEffect(() => {
    let live = true;
    const path = `/v1/projects/${enc(projectId)}/issues/${issue.number}/events?limit=100`;
    api<Page<Crash>>(path).then(
      (page) => {
        const end = Math.ceil(Date.now() / HOUR) * HOUR;
        const bins = new Array<number>(24).fill(0);
        for (const c of page.items) {
          const i = 23 - Math.floor((end - c.receivedAt) / HOUR);
          if (i >= 0 && i < 24) bins[i] = (bins[i] ?? 0) + 1;
        }
        if (live) setTrend(bins);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [projectId, issue.number, issue.count]);
  return trend;
}

function Trend({ projectId, issue }: { projectId: string; issue: Issue }) {
  const t = useTrend(projectId, issue);
  if (!t) return <span class="muted">…</span>;
  return <Sparkline values={t} label={`last 24 hours: ${t.reduce((a, b) => a + b, 0)} crashes`} />;
}

const STATUSES = ['open', 'resolved', 'ignored', 'all'] as const;

export function IssuesPage({ projectId, query }: { projectId: string; query: URLSearchParams }) {
  const status = query.get('status') ?? 'open';
  const sort = query.get('sort') === 'count' ? 'count' : 'last_seen';
  const offset = Number(query.get('offset') ?? 0);
  const q = new URLSearchParams({ sort, limit: '20', offset: String(offset) });
  if (status !== 'all') q.set('status', status);
  const base = `#/p/${enc(projectId)}/issues`;
  // Twice a second: a new crash shows within a second of its processing.
  const issues = useApi<Page<Issue>>(`/v1/projects/${enc(projectId)}/issues?${q}`, 500);
  const set = (k: string, v: string) => {
    const next = new URLSearchParams({ status, sort });
    next.set(k, v);
    go(`${base.slice(1)}?${next}`);
  };
  const page = issues.data;
  return (
    <>
      <h1>Issues</h1>
      <form class="inline" onSubmit={(e) => e.preventDefault()}>
        <label for="issue-status">Status</label>
        <select id="issue-status" value={status} onChange={(e) => set('status', e.currentTarget.value)}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <label for="issue-sort">Sort by</label>
        <select id="issue-sort" value={sort} onChange={(e) => set('sort', e.currentTarget.value)}>
          <option value="last_seen">last seen</option>
          <option value="count">count</option>
        </select>
      </form>
      <ErrorBox error={issues.error} />
      {!page ? (
        <Loading what="issues" />
      ) : page.items.length === 0 ? (
        <p class="muted">No {status === 'all' ? '' : status} issue.</p>
      ) : (
        <table class="list" id="issues">
          <caption>
            {page.total} {status === 'all' ? '' : status} issues
          </caption>
          <thead>
            <tr>
              <th scope="col">Issue</th>
              <th scope="col">Severity</th>
              <th scope="col">Status</th>
              <th scope="col">Count</th>
              <th scope="col">First seen</th>
              <th scope="col">Last seen</th>
              <th scope="col">24 h</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((i) => (
              <tr key={i.number} data-issue={i.number}>
                <td>
                  <a href={`${base}/${i.number}`}>
                    #{i.number} {i.title}
                  </a>
                  <div class="muted small">{i.culprit}</div>
                </td>
                <td>
                  <Severity value={i.severity} />
                </td>
                <td class="status">{i.status}</td>
                <td>{i.count}</td>
                <td>
                  <Time ms={i.firstSeen} />
                </td>
                <td>
                  <Time ms={i.lastSeen} />
                </td>
                <td>
                  <Trend projectId={projectId} issue={i} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page && page.total > 20 ? (
        <nav class="pager" aria-label="Pages of issues">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => set('offset', String(Math.max(0, offset - 20)))}
          >
            Previous
          </button>
          <span>
            {offset + 1}–{Math.min(offset + 20, page.total)} of {page.total}
          </span>
          <button
            type="button"
            disabled={offset + 20 >= page.total}
            onClick={() => set('offset', String(offset + 20))}
          >
            Next
          </button>
        </nav>
      ) : null}
    </>
  );
}
