import type { Readable } from 'node:stream';

export interface WatchedBody {
  /**
   * Why the body failed (the client went away, the upload was refused): its first error, or
   * its destruction before its end; undefined while it has not failed.
   */
  failure(): Error | undefined;
}

/**
 * Listens for a body's 'error' from the moment a store is handed it. A store awaits something
 * (a folder, the object store's answer) before it starts reading, and a stream that fails in
 * between with nobody listening takes the whole process down. The first error is kept, so a
 * store can answer with the body's failure (the client's) rather than one of its own. The
 * listener stays for the body's life: a destroyed stream may still emit its error later.
 */
export function watchBody(body: Readable): WatchedBody {
  let error: Error | undefined = body.errored ?? undefined;
  const onError = (err: Error) => {
    error ??= err;
  };
  body.on('error', onError);
  return {
    failure() {
      if (error) return error;
      if (body.destroyed && !body.readableEnded) return new Error('the body was destroyed before its end');
      return undefined;
    },
  };
}
