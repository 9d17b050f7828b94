import { defineErrors, isCodedError } from '@evh/lifecycle';

/**
 * The CLI's error codes. `status` follows HTTP meaning so the table reads like the services';
 * the exit code is derived from the code in `exitCodeFor`, the one place it is decided.
 */
export const cliErrors = defineErrors({
  CLI_USAGE: { status: 400, retriable: false },
  CLI_INPUT_NOT_FOUND: { status: 404, retriable: false },
  CLI_WORKER_FAILED: { status: 500, retriable: false },
  CLI_UPLOAD_REJECTED: { status: 502, retriable: false },
  CLI_UPSTREAM_UNREACHABLE: { status: 503, retriable: true },
  CLI_BAD_RESPONSE: { status: 502, retriable: false },
  CLI_JOB_FAILED: { status: 422, retriable: false },
  CLI_TIMEOUT: { status: 504, retriable: true },
  CLI_STATE_CORRUPT: { status: 500, retriable: false },
});

/** 2 for a usage error (as getopt tools do), 1 for every other failure. */
export function exitCodeFor(err: unknown): 1 | 2 {
  return isCodedError(err) && err.code === 'CLI_USAGE' ? 2 : 1;
}
