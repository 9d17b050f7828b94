import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api } from './api.js';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  reload: () => void;
}

/** Reads a path of the API; again when the path changes, on reload(), and every `pollMs`. */
export function useApi<T>(path: string | null, pollMs = 0): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    if (path === null) return;
    let live = true;
    const read = () =>
      api<T>(path).then(
        (d) => {
          if (live) {
            setData(d);
            setError(undefined);
          }
        },
        (e: unknown) => {
          if (live) setError(e instanceof ApiError ? e : new ApiError(0, 'CLIENT', String(e)));
        },
      );
    void read();
    // A tab in the background asks nothing: polling is for the person looking.
    const timer = pollMs > 0 ? setInterval(() => document.hidden || read(), pollMs) : undefined;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [path, pollMs, tick]);
  return { data, error, reload };
}

/** The hash route: `#/p/<project>/issues?status=open` → ['p', project, 'issues'] and its query. */
export function useRoute(): { parts: string[]; query: URLSearchParams } {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  return {
    parts: path.split('/').filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(search),
  };
}

export function go(path: string): void {
  location.hash = path;
}
