/** fetch fails with "fetch failed" and puts the useful part (ECONNREFUSED, ENOTFOUND) in its cause. */
export function networkReason(err: unknown): string {
  const e = err as Error & { cause?: Error & { code?: string } };
  return e.cause ? `${e.message} (${e.cause.code ?? e.cause.message})` : e.message;
}
