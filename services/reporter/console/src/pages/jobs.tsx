import { useCallback, useEffect, useState } from 'preact/hooks';
import { enc } from '../api.js';
import { COLORS, TimeChart } from '../chart.js';
import { useApi } from '../hooks.js';
import { loadSession } from '../session.js';
import type { Analytics, Anomaly, Job, JobRecord, JobSummary, Page } from '../types.js';
import { BarList, Card, ErrorBox, Figures, Loading, Time } from '../ui.js';
import { EntriesView, InvalidLines } from './entries.js';

/**
 * The jobs this tab uploaded or opened, listed beside the project's job records: a job of no
 * project, or one not started yet (its record is written when its worker starts), is found here.
 */
const JOBS_KEY = 'evh.console.jobs';
function rememberedJobs(): string[] {
  try {
    const ids = JSON.parse(sessionStorage.getItem(JOBS_KEY) ?? '[]') as unknown;
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}
function remember(jobId: string): void {
  sessionStorage.setItem(
    JOBS_KEY,
    JSON.stringify([jobId, ...rememberedJobs().filter((j) => j !== jobId)].slice(0, 50)),
  );
}

/** The job's state over the reporter's WebSocket: on connect, then at each stage, until it ends. */
function useLiveJob(jobId: string | undefined): { job?: Job; error?: string } {
  const [job, setJob] = useState<Job>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!jobId) return;
    setJob(undefined);
    setError(undefined);
    // A browser's WebSocket sends no header: the token goes as ?token=, which the reporter
    // keeps out of its logs; the page's own URL never holds it.
    const token = loadSession()?.token ?? '';
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/ws/jobs/${enc(jobId)}?token=${enc(token)}`);
    ws.onmessage = (m) => setJob(JSON.parse(String(m.data)) as Job);
    ws.onclose = (e) => {
      if (e.code !== 1000 && e.code !== 1005) setError(`live updates stopped: ${e.reason || e.code}`);
    };
    return () => ws.close();
  }, [jobId]);
  return { job, error };
}

function Progress({ job }: { job: Job }) {
  const p = job.progress;
  return (
    <div class="progress">
      <label for={`bar-${job.job_id}`}>
        <span id="job-status">{job.status}</span> · {p.percent}% · {p.lines_read} lines, {p.valid} valid,{' '}
        {p.invalid} invalid, {p.processed} processed
      </label>
      <progress id={`bar-${job.job_id}`} class="job-bar" max={100} value={p.percent} />
      {job.error ? (
        <p class="error" role="alert">
          {job.error}
        </p>
      ) : null}
    </div>
  );
}

const pad = (h: number) => `${String(h).padStart(2, '0')}:00`;

/** Status counts, top services and users, the 24-hour chart: a job's or a project's. */
export function AnalyticsView({ a, title }: { a: Analytics; title: string }) {
  return (
    <div class="analytics">
      <div class="grid2">
        <div>
          <h3>Payment statuses</h3>
          <BarList
            label="payment statuses"
            rows={Object.entries(a.payment_statuses).sort((x, y) => y[1] - x[1])}
          />
        </div>
        <div>
          <h3>Top services</h3>
          {/* The API ranks them without counts: the bars show the rank. */}
          <BarList
            label="top services, by rank"
            rows={a.top_services.map((s, i) => [s, a.top_services.length - i])}
          />
          <h3>Top users</h3>
          <BarList label="top users, by rank" rows={a.top_users.map((s, i) => [s, a.top_users.length - i])} />
        </div>
      </div>
      <h3>Events per hour of the day</h3>
      <p class="muted small">Peak hours: {a.peak_hours.join(', ') || '—'}</p>
      <TimeChart
        title={`${title}: events per hour of the day (UTC)`}
        x={a.events_per_hour.map((_, h) => h)}
        plainX
        xFormat={pad}
        bars
        series={[{ label: 'events', values: a.events_per_hour, color: COLORS.info }]}
      />
    </div>
  );
}

/**
 * Anomalies on a time line: along the lines of the file when each has its line (a job's do:
 * the order they were read in), else along their own timestamps. One row per kind.
 */
function AnomalyTimeline({ items }: { items: Anomaly[] }) {
  if (items.length === 0) return <p class="muted">No anomaly.</p>;
  const kinds = [...new Set(items.map((a) => a.kind))].sort();
  const byLine = items.every((a) => a.where.line !== undefined);
  const points = items
    .map((a) => ({
      x: byLine ? (a.where.line ?? 0) : Date.parse(a.at ?? '') / 1000,
      y: kinds.indexOf(a.kind) + 1,
    }))
    .filter((p) => Number.isFinite(p.x))
    .sort((p, q) => p.x - q.x);
  return (
    <>
      <TimeChart
        title={byLine ? 'Anomalies along the lines of the file' : 'Anomalies over time'}
        x={points.map((p) => p.x)}
        plainX={byLine}
        dots
        yFormat={(y) => kinds[y - 1] ?? ''}
        series={[{ label: 'kind', values: points.map((p) => p.y), color: COLORS.error }]}
        height={60 + 26 * kinds.length}
      />
      <BarList
        label="anomalies by kind"
        rows={kinds.map((k) => [k, items.filter((a) => a.kind === k).length] as [string, number])}
      />
      <table class="list">
        <caption>{items.length > 20 ? `The first 20 of ${items.length}` : 'Each anomaly'}</caption>
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Line</th>
            <th scope="col">At</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {items.slice(0, 20).map((a, i) => (
            <tr key={i}>
              <td>{a.kind}</td>
              <td>{a.where.line ?? '—'}</td>
              <td>{a.at ?? '—'}</td>
              <td>
                <code>{JSON.stringify(a.detail)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function JobDetail({ jobId, onDone }: { jobId: string; onDone?: () => void }) {
  const live = useLiveJob(jobId);
  const done = live.job?.status === 'completed';
  useEffect(() => {
    if (live.job?.status === 'completed' || live.job?.status === 'failed') onDone?.();
  }, [live.job?.status, onDone]);
  const summary = useApi<JobSummary>(done ? `/api/v1/jobs/${enc(jobId)}/summary` : null);
  const anomalies = useApi<Page<Anomaly>>(done ? `/api/v1/jobs/${enc(jobId)}/anomalies?limit=500` : null);
  const s = summary.data;
  return (
    <div class="job" data-job={jobId}>
      {live.job ? <Progress job={live.job} /> : <Loading what="the job" />}
      {live.error ? <p class="muted">{live.error}</p> : null}
      <ErrorBox error={summary.error} />
      {s ? (
        <Card title="Summary">
          <Figures
            items={[
              ['lines', s.lines],
              ['valid', s.valid],
              ['invalid', s.invalid],
              ['processed', s.processed],
            ]}
          />
          <AnalyticsView a={s} title="This job" />
          {Object.keys(s.invalid_reasons).length > 0 ? (
            <>
              <h3>Invalid lines by reason</h3>
              <BarList label="invalid lines by reason" rows={Object.entries(s.invalid_reasons)} />
            </>
          ) : null}
        </Card>
      ) : null}
      {anomalies.data ? (
        <Card title={`Anomalies (${anomalies.data.total})`}>
          <AnomalyTimeline items={anomalies.data.items} />
        </Card>
      ) : null}
      {done ? (
        <>
          <Card title="Entries">
            <EntriesView base={`/api/v1/jobs/${enc(jobId)}/entries`} id="job-entries" />
          </Card>
          <Card title="Invalid lines">
            <InvalidLines jobId={jobId} />
          </Card>
        </>
      ) : null}
    </div>
  );
}

export function JobPage({ jobId }: { jobId: string }) {
  const job = useApi<Job>(`/api/v1/jobs/${enc(jobId)}`);
  useEffect(() => remember(jobId), [jobId]);
  return (
    <>
      <h1>Job {job.data?.file_name ?? ''}</h1>
      <p class="muted small">{jobId}</p>
      <ErrorBox error={job.error} />
      <JobDetail jobId={jobId} />
    </>
  );
}

function Upload({ projectId, onJob }: { projectId: string; onJob: (id: string) => void }) {
  const ingest = document.body.dataset.ingest ?? '';
  const [error, setError] = useState<string>();
  return (
    <form
      class="inline"
      onSubmit={async (e) => {
        e.preventDefault();
        const fields = new FormData(e.currentTarget as HTMLFormElement);
        const key = String(fields.get('key') ?? '').trim();
        // The project before the file: the ingest reads the fields as they stream in.
        const form = new FormData();
        form.append('projectId', projectId);
        form.append('file', fields.get('file') as File);
        setError(undefined);
        try {
          // The upload is the one write: it goes to the ingest with the project's ingest key.
          const res = await fetch(`${ingest}/api/v1/files/upload`, {
            method: 'POST',
            body: form,
            headers: key ? { authorization: `Bearer ${key}` } : {},
          });
          const answer = (await res.json()) as { job_id?: string; message?: string };
          if (res.status !== 202 || !answer.job_id)
            throw new Error(answer.message ?? `answered ${res.status}`);
          remember(answer.job_id);
          onJob(answer.job_id);
        } catch (err) {
          setError(`Upload refused: ${(err as Error).message}`);
        }
      }}
    >
      <label for="upload-file">Log file</label>
      <input id="upload-file" name="file" type="file" accept=".jsonl,.ndjson,.log,.txt" required />
      <label for="upload-key">Ingest key</label>
      <input id="upload-key" name="key" type="password" autoComplete="off" placeholder="evhi_…" />
      <button type="submit">Upload</button>
      {error ? (
        <p class="error" role="alert" id="upload-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}

function JobRow({ jobId, projectId }: { jobId: string; projectId: string }) {
  const job = useApi<Job>(`/api/v1/jobs/${enc(jobId)}`, 2000);
  const j = job.data;
  if (job.error) return null;
  return (
    <tr>
      <td>
        <a href={`#/p/${enc(projectId)}/jobs/${enc(jobId)}`}>{j?.file_name ?? jobId}</a>
      </td>
      <td>{j?.status ?? '…'}</td>
      <td>{j ? `${j.progress.percent}%` : ''}</td>
      <td>{j?.progress.lines_read ?? ''}</td>
      <td>
        <Time ms={j?.created_at} />
      </td>
    </tr>
  );
}

export function JobsPage({ projectId }: { projectId: string }) {
  const [current, setCurrent] = useState<string>();
  const stored = useApi<{ jobs: JobRecord[] }>(`/v1/projects/${enc(projectId)}/jobs?limit=50`, 5000);
  const [remembered, setIds] = useState(rememberedJobs());
  const ids = [...new Set([...(stored.data?.jobs.map((j) => j.jobId) ?? []), ...remembered])];
  const summary = useApi<Analytics>(`/v1/projects/${enc(projectId)}/summary`);
  const anomalies = useApi<Page<Anomaly>>(`/v1/projects/${enc(projectId)}/anomalies?limit=200`);
  const { reload: reloadSummary } = summary;
  const { reload: reloadAnomalies } = anomalies;
  const [finishedJobs, setFinishedJobs] = useState(0);
  // A finished job changes the project's figures and logs: read them again then.
  const finished = useCallback(() => {
    reloadSummary();
    reloadAnomalies();
    setFinishedJobs((n) => n + 1);
  }, [reloadSummary, reloadAnomalies]);
  return (
    <>
      <h1>Jobs</h1>
      <Card title="Upload a log file">
        <p class="muted small">
          A <code>.jsonl</code> file (one JSON log entry a line) or a payment log (
          <code>timestamp status service user message</code>); each line becomes an event.
        </p>
        <Upload
          projectId={projectId}
          onJob={(id) => {
            setCurrent(id);
            setIds(rememberedJobs());
          }}
        />
        {current ? <JobDetail jobId={current} onDone={finished} /> : null}
      </Card>
      <Card title="Jobs">
        <ErrorBox error={stored.error} />
        {ids.length === 0 ? (
          <p class="muted">None yet: upload a file, or open a job by its id.</p>
        ) : (
          <table class="list">
            <caption class="sr-only">Jobs</caption>
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Lines</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {ids.map((id) => (
                <JobRow key={id} jobId={id} projectId={projectId} />
              ))}
            </tbody>
          </table>
        )}
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            const id = String(new FormData(e.currentTarget as HTMLFormElement).get('job') ?? '').trim();
            if (id) location.hash = `/p/${enc(projectId)}/jobs/${enc(id)}`;
          }}
        >
          <label for="open-job">Job id</label>
          <input id="open-job" name="job" />
          <button type="submit">Open</button>
        </form>
      </Card>
      <Card title="All jobs of the project">
        <ErrorBox error={summary.error} />
        {summary.data ? (
          <AnalyticsView a={summary.data} title="The project" />
        ) : (
          <Loading what="the summary" />
        )}
      </Card>
      <Card title="Logs of the project">
        <EntriesView base={`/v1/projects/${enc(projectId)}/logs`} id="project-logs" refresh={finishedJobs} />
      </Card>
      <Card title="Latest anomalies of the project">
        {anomalies.data ? <AnomalyTimeline items={anomalies.data.items} /> : <Loading what="anomalies" />}
      </Card>
    </>
  );
}
