import { useState } from 'preact/hooks';
import { ApiError, api, enc } from '../api.js';
import { type Session, saveSession } from '../session.js';

/** Which token this is: the admin's (lists projects), or a read token of the project given. */
async function identify(token: string, projectId: string): Promise<Session> {
  try {
    await api('/v1/projects', { token });
    return { token, role: 'admin' };
  } catch (e) {
    // A valid token that is not the admin's is refused with 403; any other answer stands.
    if (!(e instanceof ApiError) || e.status !== 403) throw e;
  }
  if (!projectId) {
    throw new ApiError(
      400,
      'PROJECT_REQUIRED',
      'this is not the admin token: give the project of this read token',
    );
  }
  await api(`/v1/projects/${enc(projectId)}`, { token });
  return { token, role: 'project', projectId };
}

export function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: (s: Session) => void }) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  return (
    <main id="main" class="sign-in">
      <h1>Event Horizon</h1>
      <p>Sign in with a project's read token, or with the admin token.</p>
      {notice ? <p role="status">{notice}</p> : null}
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget as HTMLFormElement);
          setBusy(true);
          setError(undefined);
          try {
            const s = await identify(
              String(form.get('token') ?? '').trim(),
              String(form.get('project') ?? '').trim(),
            );
            saveSession(s);
            onSignedIn(s);
          } catch (err) {
            const a = err instanceof ApiError ? err : new ApiError(0, 'CLIENT', String(err));
            setError(
              a.status === 401
                ? `Sign-in refused: this token is not valid (${a.message}).`
                : a.status === 403
                  ? `Sign-in refused: this token cannot read that project (${a.message}).`
                  : `Sign-in failed: ${a.message}`,
            );
          } finally {
            setBusy(false);
          }
        }}
      >
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autoComplete="off" required />
        <label for="project">Project (for a read token)</label>
        <input id="project" name="project" autoComplete="off" placeholder="prj-…" />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      {error ? (
        <p class="error" role="alert" id="sign-in-error">
          {error}
        </p>
      ) : null}
    </main>
  );
}
