import { enc } from '../api.js';
import { go, useApi } from '../hooks.js';
import type { SearchAnswer } from '../types.js';
import { ErrorBox, Highlight, Loading, Severity, Time } from '../ui.js';

export function SearchPage({ projectId, query }: { projectId: string; query: URLSearchParams }) {
  const q = query.get('q') ?? '';
  const issue = query.get('issue') ?? '';
  const params = new URLSearchParams({ q, limit: '50' });
  if (issue) params.set('issue', issue);
  const answer = useApi<SearchAnswer>(q ? `/v1/projects/${enc(projectId)}/search?${params}` : null);
  const a = answer.data;
  return (
    <>
      <h1>Search{issue ? ` in issue #${issue}` : ''}</h1>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          const d = new FormData(e.currentTarget as HTMLFormElement);
          const next = new URLSearchParams({ q: String(d.get('q') ?? '') });
          const i = String(d.get('issue') ?? '').trim();
          if (i) next.set('issue', i);
          go(`/p/${enc(projectId)}/search?${next}`);
        }}
      >
        <label for="search-q">Words of the message</label>
        <input id="search-q" name="q" type="search" defaultValue={q} required />
        <label for="search-issue">In issue (optional)</label>
        <input id="search-issue" name="issue" inputMode="numeric" defaultValue={issue} size={6} />
        <button type="submit">Search</button>
      </form>
      <ErrorBox error={answer.error} />
      {!q ? null : !a ? (
        <Loading what="results" />
      ) : (
        <>
          <p role="status">
            {a.total} crash{a.total === 1 ? '' : 'es'} with {a.query.map((w) => `“${w}”`).join(' and ')}
          </p>
          <ol class="results" id="results">
            {a.items.map((c) => (
              <li key={c.eventId}>
                <p class="message">
                  <Highlight text={c.message} words={a.query} />
                </p>
                <p class="muted small">
                  <Severity value={c.severity} /> ·{' '}
                  <a href={`#/p/${enc(projectId)}/issues/${c.issue}?event=${c.eventNumber}`}>
                    issue #{c.issue}, event {c.eventNumber}
                  </a>{' '}
                  · <Time ms={c.receivedAt} />
                </p>
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}
