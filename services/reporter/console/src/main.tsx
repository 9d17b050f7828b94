import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { type ApiError, enc, whenUnauthorized } from './api.js';
import { go, useRoute } from './hooks.js';
import { IssuePage } from './pages/issue.js';
import { IssuesPage } from './pages/issues.js';
import { JobPage, JobsPage } from './pages/jobs.js';
import { PipelinePage } from './pages/pipeline.js';
import { ProjectPage } from './pages/project.js';
import { ProjectsPage } from './pages/projects.js';
import { SearchPage } from './pages/search.js';
import { SignIn } from './pages/sign-in.js';
import { clearSession, loadSession, type Session } from './session.js';
import './styles.css';

/** The page of a link is current at its own hash, and a page's sub-pages at theirs (an issue of Issues). */
function isCurrent(here: string, href: string): boolean {
  if (here === href) return true;
  return href.split('/').length > 3 && (here.startsWith(`${href}/`) || here.startsWith(`${href}?`));
}

function Nav({
  session,
  projectId,
  onSignOut,
}: {
  session: Session;
  projectId?: string;
  onSignOut: () => void;
}) {
  const p = projectId ? `#/p/${enc(projectId)}` : undefined;
  const links: [string, string | undefined][] = [
    ['Projects', session.role === 'admin' ? '#/projects' : p],
    ['Issues', p && `${p}/issues`],
    ['Search', p && `${p}/search`],
    ['Jobs', p && `${p}/jobs`],
  ];
  if (session.role === 'admin') links.push(['Pipeline', '#/pipeline']);
  const here = location.hash;
  return (
    <header class="top">
      <a class="brand" href={session.role === 'admin' ? '#/projects' : p}>
        Event Horizon
      </a>
      <nav aria-label="Pages">
        <ul>
          {links.map(([label, href]) =>
            href ? (
              <li key={label}>
                <a href={href} aria-current={isCurrent(here, href) ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ) : null,
          )}
        </ul>
      </nav>
      <span class="who">
        {session.role === 'admin' ? 'admin' : `project ${session.projectId}`}
        {projectId && session.role === 'admin' ? ` · ${projectId}` : ''}
      </span>
      <button type="button" class="link" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}

function Routes({ session }: { session: Session }) {
  const { parts, query } = useRoute();
  const [first, projectId, page, id] = parts;
  if (first === 'pipeline' && session.role === 'admin') return <PipelinePage />;
  if (first === 'p' && projectId) {
    if (page === 'issues' && id) return <IssuePage projectId={projectId} number={Number(id)} query={query} />;
    if (page === 'issues') return <IssuesPage projectId={projectId} query={query} />;
    if (page === 'search') return <SearchPage projectId={projectId} query={query} />;
    if (page === 'jobs' && id) return <JobPage jobId={id} />;
    if (page === 'jobs') return <JobsPage projectId={projectId} />;
    return <ProjectPage projectId={projectId} admin={session.role === 'admin'} />;
  }
  if (session.role === 'admin') return <ProjectsPage />;
  return <ProjectPage projectId={session.projectId ?? ''} admin={false} />;
}

function App() {
  const [session, setSession] = useState<Session | null>(loadSession());
  const [notice, setNotice] = useState<string>();
  const { parts } = useRoute();
  useEffect(() => {
    whenUnauthorized((e: ApiError) => {
      clearSession();
      setSession(null);
      setNotice(`Signed out: the reporter refused the token (${e.message}).`);
    });
  }, []);
  useEffect(() => {
    document.querySelector('main')?.focus();
  }, [parts.join('/')]);
  if (!session) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(s) => {
          setNotice(undefined);
          setSession(s);
          go(s.role === 'admin' ? '/projects' : `/p/${enc(s.projectId ?? '')}`);
        }}
      />
    );
  }
  const projectId = parts[0] === 'p' ? parts[1] : session.projectId;
  return (
    <>
      {/* A button, not a link to #main: the hash is the router's. */}
      <button
        type="button"
        class="skip"
        onClick={() => (document.querySelector('main') as HTMLElement | null)?.focus()}
      >
        Skip to content
      </button>
      <Nav
        session={session}
        projectId={projectId}
        onSignOut={() => {
          clearSession();
          setSession(null);
          go('/');
        }}
      />
      <main id="main" tabIndex={-1}>
        <Routes session={session} />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
