import { useEffect, useState } from 'preact/hooks';
import { enc } from '../api.js';
import { useApi } from '../hooks.js';
import type { EntryPage, InvalidLinePage } from '../types.js';
import { ErrorBox, Highlight, Loading, Severity } from '../ui.js';

const FILTERS = ['level', 'service', 'user', 'q', 'from', 'to'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

const LABELS: Record<(typeof FILTERS)[number], string> = {
  level: 'Level or status',
  service: 'Service',
  user: 'User',
  q: 'Words in the message',
  from: 'From (ISO time)',
  to: 'To (ISO time)',
};

/**
 * Stored entries with the API's filters and its keyset pages: `base` is the job's entries or
 * the project's logs. "Next page" follows nextCursor; the filters start again from page one;
 * a change of `refresh` reads the page again.
 */
export function EntriesView({ base, id, refresh = 0 }: { base: string; id: string; refresh?: number }) {
  const [filters, setFilters] = useState<Filters>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const query = new URLSearchParams({ limit: '50' });
  for (const [k, v] of Object.entries(filters)) if (v) query.set(k, v);
  const cursor = cursors.at(-1);
  if (cursor) query.set('cursor', cursor);
  const page = useApi<EntryPage>(`${base}?${query}`);
  // Read again when the caller says the entries changed (a job of the project completed).
  const { reload } = page;
  useEffect(() => {
    if (refresh > 0) reload();
  }, [refresh, reload]);
  const words = (filters.q ?? '').split(/\s+/).filter(Boolean);
  return (
    <div class="entries" id={id}>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget as HTMLFormElement);
          setFilters(Object.fromEntries(FILTERS.map((f) => [f, String(form.get(f) ?? '').trim()])));
          setCursors([]);
        }}
      >
        {FILTERS.map((f) => (
          <span key={f}>
            <label for={`${id}-${f}`}>{LABELS[f]}</label>
            <input id={`${id}-${f}`} name={f} value={filters[f] ?? ''} />
          </span>
        ))}
        <button type="submit">Filter</button>
      </form>
      <ErrorBox error={page.error} />
      {page.data ? (
        <>
          <table class="list">
            <caption>
              {page.data.entries.length === 0
                ? 'No entry matches.'
                : `Page ${cursors.length + 1}: ${page.data.entries.length} entries`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Time</th>
                <th scope="col">Level</th>
                <th scope="col">Service</th>
                <th scope="col">User</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody>
              {page.data.entries.map((e) => (
                <tr key={`${e.jobId}:${e.line}`}>
                  <td>{e.line}</td>
                  <td>{e.timestamp ?? '—'}</td>
                  <td>
                    <Severity value={e.level} />
                  </td>
                  <td>{e.service || '—'}</td>
                  <td>{e.user ?? '—'}</td>
                  <td>
                    <Highlight text={e.message} words={words} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="inline">
            {cursors.length > 0 ? (
              <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous page
              </button>
            ) : null}
            {page.data.nextCursor ? (
              <button type="button" onClick={() => setCursors([...cursors, page.data?.nextCursor as string])}>
                Next page
              </button>
            ) : null}
          </div>
        </>
      ) : (
        <Loading what="entries" />
      )}
    </div>
  );
}

/** The lines of a job that could not be used, with the reason. */
export function InvalidLines({ jobId }: { jobId: string }) {
  const page = useApi<InvalidLinePage>(`/api/v1/jobs/${enc(jobId)}/invalid-lines?limit=100`);
  if (page.error) return <ErrorBox error={page.error} />;
  if (!page.data) return <Loading what="invalid lines" />;
  if (page.data.lines.length === 0) return <p class="muted">Every line could be used.</p>;
  return (
    <table class="list" id="invalid-lines">
      <caption>
        {page.data.nextCursor ? 'The first 100 invalid lines' : `${page.data.lines.length} invalid lines`}
      </caption>
      <thead>
        <tr>
          <th scope="col">Line</th>
          <th scope="col">Reason</th>
          <th scope="col">Detail</th>
        </tr>
      </thead>
      <tbody>
        {page.data.lines.map((l) => (
          <tr key={l.line}>
            <td>{l.line}</td>
            <td>{l.reason}</td>
            <td>{l.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
