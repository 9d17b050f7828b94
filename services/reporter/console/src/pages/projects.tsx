import { useState } from 'preact/hooks';
import { ApiError, api, enc } from '../api.js';
import { useApi } from '../hooks.js';
import type { CreatedProject, Project } from '../types.js';
import { Card, ErrorBox, Loading, Time } from '../ui.js';

/** The secrets of a project just created: shown here once, never again by the API. */
function Created({ p }: { p: CreatedProject }) {
  return (
    <div class="created" role="status">
      <p>
        <strong>Project {p.projectId} created.</strong> Copy these now: they are shown only once.
      </p>
      <dl class="secrets">
        <dt>DSN</dt>
        <dd>
          <code id="created-dsn">{p.dsn}</code>
        </dd>
        <dt>Ingest key</dt>
        <dd>
          <code id="created-ingest-key">{p.ingestKey}</code>
        </dd>
        <dt>Read token</dt>
        <dd>
          <code id="created-read-token">{p.readToken}</code>
        </dd>
      </dl>
    </div>
  );
}

export function ProjectsPage() {
  const list = useApi<{ projects: Project[] }>('/v1/projects');
  const [created, setCreated] = useState<CreatedProject>();
  const [error, setError] = useState<ApiError>();
  return (
    <>
      <h1>Projects</h1>
      <Card title="Create a project">
        <form
          class="inline"
          onSubmit={async (e) => {
            e.preventDefault();
            const form = e.currentTarget as HTMLFormElement;
            const data = new FormData(form);
            const projectId = String(data.get('projectId') ?? '').trim();
            try {
              const p = await api<CreatedProject>('/v1/projects', {
                method: 'POST',
                body: { name: String(data.get('name') ?? '').trim(), ...(projectId ? { projectId } : {}) },
              });
              setCreated(p);
              setError(undefined);
              form.reset();
              list.reload();
            } catch (err) {
              setError(err instanceof ApiError ? err : undefined);
            }
          }}
        >
          <label for="new-name">Name</label>
          <input id="new-name" name="name" required maxLength={100} />
          <label for="new-id">Project id (optional)</label>
          <input id="new-id" name="projectId" />
          <button type="submit">Create</button>
        </form>
        <ErrorBox error={error} />
        {created ? <Created p={created} /> : null}
      </Card>
      <ErrorBox error={list.error} />
      {!list.data ? (
        <Loading what="projects" />
      ) : (
        <table class="list">
          <caption>Every project</caption>
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Name</th>
              <th scope="col">Number</th>
              <th scope="col">Keys</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {list.data.projects.map((p) => (
              <tr key={p.projectId}>
                <td>
                  <a href={`#/p/${enc(p.projectId)}`}>{p.projectId}</a>
                </td>
                <td>{p.name}</td>
                <td>{p.number}</td>
                <td>{p.keys?.length ?? 0}</td>
                <td>
                  <Time ms={p.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
