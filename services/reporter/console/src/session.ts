/**
 * Who is signed in. Kept in sessionStorage: it lives as long as the tab, is never written
 * to the URL (no history entry, no Referer, no server log holds it) and is gone on sign-out.
 */
export interface Session {
  token: string;
  role: 'admin' | 'project';
  /** The project a read token belongs to; admins pick one per page. */
  projectId?: string;
}

const KEY = 'evh.console.session';

export function loadSession(): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    return typeof s.token === 'string' && (s.role === 'admin' || s.role === 'project') ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
