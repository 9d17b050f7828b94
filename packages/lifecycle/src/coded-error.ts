/**
 * The one error shape every package and service throws. The code decides everything
 * downstream: the HTTP status, whether a consumer retries, which metric label is used.
 * Services declare their codes in their own `errors.ts` with `defineErrors`.
 */
export interface ErrorSpec {
  readonly status: number;
  readonly retriable: boolean;
}

export class CodedError<C extends string = string> extends Error {
  readonly code: C;
  readonly status: number;
  readonly retriable: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    code: C,
    message: string,
    spec: ErrorSpec,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    // A 4xx answers the caller's mistake: its stack is never logged (the code says where
    // it comes from), and a flood of them (429s) would pay for capturing one each time.
    const limit = Error.stackTraceLimit;
    if (spec.status < 500) Error.stackTraceLimit = 0;
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    Error.stackTraceLimit = limit;
    this.name = 'CodedError';
    this.code = code;
    this.status = spec.status;
    this.retriable = spec.retriable;
    this.details = options?.details;
  }
}

export type ErrorFactory<C extends string> = (
  message: string,
  options?: { cause?: unknown; details?: Record<string, unknown> },
) => CodedError<C>;

/**
 * Builds one factory per code from a table, so the table is the single place where a
 * code's status and retry decision are written down.
 */
export function defineErrors<T extends Record<string, ErrorSpec>>(
  table: T,
): { [K in keyof T & string]: ErrorFactory<K> } {
  const out = {} as { [K in keyof T & string]: ErrorFactory<K> };
  for (const code of Object.keys(table) as (keyof T & string)[]) {
    const spec = table[code] as ErrorSpec;
    out[code] = ((message, options) => new CodedError(code, message, spec, options)) as ErrorFactory<
      typeof code
    >;
  }
  return out;
}

export function isCodedError(err: unknown): err is CodedError {
  return err instanceof CodedError;
}

/** Retriable unless the error says otherwise: an unknown failure is assumed transient. */
export function isRetriable(err: unknown): boolean {
  return isCodedError(err) ? err.retriable : true;
}
