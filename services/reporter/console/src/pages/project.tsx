import { useState } from 'preact/hooks';
import { ApiError, api, enc } from '../api.js';
import { COLORS, TimeChart } from '../chart.js';
import { useApi } from '../hooks.js';
import type { Counter, Project, Quota, Series, Stats } from '../types.js';
import { Card, ErrorBox, Figures, Loading } from '../ui.js';

const hhmm = (s: number) => new Date(s * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
const dayHour = (s: number) =>
  new Date(s * 1000).toLocaleString([], { weekday: 'short', hour: '2-digit', minute: '2-digit' });

function SeverityChart({ projectId }: { projectId: string }) {
  const [resolution, setResolution] = useState<'minute' | 'hour'>('minute');
  const series = useApi<Series>(`/v1/projects/${enc(projectId)}/stats/series?resolution=${resolution}`, 5000);
  const b = series.data?.resolution === resolution ? series.data.buckets : undefined;
  return (
    <Card title="Crashes per severity">
      <fieldset class="toggle">
        <legend>Window</legend>
        <label>
          <input
            type="radio"
            name="resolution"
            checked={resolution === 'minute'}
            onChange={() => setResolution('minute')}
          />
          last hour, per minute
        </label>
        <label>
          <input
            type="radio"
            name="resolution"
            checked={resolution === 'hour'}
            onChange={() => setResolution('hour')}
          />
          last 7 days, per hour
        </label>
      </fieldset>
      <ErrorBox error={series.error} />
      {b ? (
        <TimeChart
          title={`Crashes per severity, ${resolution === 'minute' ? 'last hour per minute' : 'last 7 days per hour'}`}
          x={b.map((x) => x.start / 1000)}
          xFormat={resolution === 'minute' ? hhmm : dayHour}
          bars
          series={[
            { label: 'error', values: b.map((x) => x.error), color: COLORS.error },
            { label: 'warning', values: b.map((x) => x.warning), color: COLORS.warning },
            { label: 'info', values: b.map((x) => x.info), color: COLORS.info },
          ]}
        />
      ) : (
        <Loading what="the chart" />
      )}
    </Card>
  );
}

const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'exists', 'in', 'contains'];

/** The typed value of the counter form: JSON when it parses (numbers, lists), text otherwise. */
function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function Counters({ projectId }: { projectId: string }) {
  const list = useApi<{ counters: Counter[] }>(`/v1/projects/${enc(projectId)}/counters`, 5000);
  const [error, setError] = useState<ApiError>();
  const call = async (f: () => Promise<unknown>) => {
    try {
      await f();
      setError(undefined);
      list.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e : undefined);
    }
  };
  return (
    <Card title="Custom counters">
      <ErrorBox error={list.error ?? error} />
      {list.data && list.data.counters.length > 0 ? (
        <table class="list">
          <caption class="sr-only">Custom counters and their counts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Rule</th>
              <th scope="col">Count</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.counters.map((c) => (
              <tr key={c.name} data-counter={c.name}>
                <td>{c.name}</td>
                <td>
                  <code>
                    {c.path} {c.op} {c.value === undefined ? '' : JSON.stringify(c.value)}
                  </code>
                </td>
                <td class="count">{c.count}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Delete counter ${c.name}`}
                    onClick={() =>
                      call(() =>
                        api(`/v1/projects/${enc(projectId)}/counters/${enc(c.name)}`, { method: 'DELETE' }),
                      )
                    }
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No custom counter yet.</p>
      )}
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget as HTMLFormElement;
          const d = new FormData(form);
          const op = String(d.get('op'));
          const raw = String(d.get('value') ?? '');
          const body = { path: String(d.get('path')), op, ...(raw === '' ? {} : { value: parseValue(raw) }) };
          void call(async () => {
            await api(`/v1/projects/${enc(projectId)}/counters/${enc(String(d.get('name')))}`, {
              method: 'PUT',
              body,
            });
            form.reset();
          });
        }}
      >
        <label for="counter-name">Name</label>
        <input id="counter-name" name="name" required />
        <label for="counter-path">Field</label>
        <input id="counter-path" name="path" required placeholder="metadata.release" />
        <label for="counter-op">Operator</label>
        <select id="counter-op" name="op">
          {OPS.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
        <label for="counter-value">Value</label>
        <input id="counter-value" name="value" placeholder='"1.2.0", 3, true, ["a","b"]' />
        <button type="submit">Define</button>
      </form>
    </Card>
  );
}

export function ProjectPage({ projectId, admin }: { projectId: string; admin: boolean }) {
  const p = `/v1/projects/${enc(projectId)}`;
  const project = useApi<Project>(p);
  const stats = useApi<Stats>(`${p}/stats`, 5000);
  const quota = useApi<Quota>(`${p}/quota`, 5000);
  const s = stats.data;
  const q = quota.data;
  return (
    <>
      <h1>
        {project.data?.name ?? projectId} <small>{projectId}</small>
      </h1>
      {admin ? (
        <p>
          <a href="#/projects">All projects</a>
        </p>
      ) : null}
      <ErrorBox error={project.error ?? stats.error} />
      <Card title="Totals">
        {s ? (
          <Figures
            items={[
              ['crashes', s.total],
              ['errors', s.error],
              ['warnings', s.warning],
              ['info', s.info],
              ['invalid payloads', s.invalid],
            ]}
          />
        ) : (
          <Loading what="statistics" />
        )}
      </Card>
      <SeverityChart projectId={projectId} />
      <Card title="Quota, last minute">
        <ErrorBox error={quota.error} />
        {q ? (
          <Figures
            items={[
              [
                'quota',
                q.quota ? `${q.quota.eventsPerSecond}/s, burst ${q.quota.burst} (${q.quota.mode})` : 'none',
              ],
              ['accepted', q.acceptedLastMinute],
              ['throttled', q.throttledLastMinute],
            ]}
          />
        ) : (
          <Loading what="the quota" />
        )}
      </Card>
      <Counters projectId={projectId} />
    </>
  );
}
