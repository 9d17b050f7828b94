import { basename } from 'node:path';
import { z } from 'zod';
import { httpUrl, positiveInt } from '../cli-options.js';
import type { CommandContext } from '../command-context.js';
import { cliErrors } from '../errors.js';
import { type OptionSpec, parseCommandLine } from '../parse-command-line.js';
import { followJob } from '../upload/follow-job.js';
import { renderProgress } from '../upload/progress-bar.js';
import { uploadFile } from '../upload/upload-file.js';

const spec = {
  positionals: ['file'],
  options: {
    ingest: { type: 'string' },
    reporter: { type: 'string' },
    project: { type: 'string' },
    key: { type: 'string' },
    token: { type: 'string' },
    follow: { type: 'boolean' },
    'interval-ms': { type: 'string' },
    'timeout-ms': { type: 'string' },
  } satisfies OptionSpec,
};

export const uploadOptionsSchema = z
  .object({
    file: z.string({ error: 'a file to upload is required' }).min(1),
    ingest: httpUrl,
    reporter: httpUrl.optional(),
    project: z.string().min(1).optional(),
    key: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    follow: z.boolean().default(false),
    intervalMs: positiveInt.default(500),
    timeoutMs: positiveInt.default(3_600_000),
  })
  .refine((o) => !o.follow || o.reporter !== undefined, {
    message: '--follow needs --reporter <url>',
    path: ['reporter'],
  });

/** `evh upload <file>`: 0 when uploaded (and, with --follow, completed), 1 when failed. */
export async function uploadCommand(args: string[], ctx: CommandContext): Promise<number> {
  const options = parseCommandLine(args, spec, uploadOptionsSchema);
  // A key on the command line shows in `ps` and shell history: the environment is the quieter way.
  const key = options.key ?? ctx.env?.EVH_KEY;
  const token = options.token ?? ctx.env?.EVH_TOKEN;
  const { jobId, bytes } = await uploadFile({
    ingestUrl: options.ingest,
    path: options.file,
    projectId: options.project,
    ...(key ? { key } : {}),
  });
  ctx.stdout.write(
    `uploaded ${basename(options.file)} (${bytes.toLocaleString('en-US')} bytes): job ${jobId}\n`,
  );
  if (!options.follow) return 0;

  // On a terminal the bar redraws in place; in a log or a pipe, one line per change.
  let last = '';
  const final = await followJob({
    reporterUrl: options.reporter as string,
    jobId,
    intervalMs: options.intervalMs,
    timeoutMs: options.timeoutMs,
    ...(token ? { token } : {}),
    onStatus(status) {
      const line = renderProgress(status);
      if (line === last) return;
      last = line;
      ctx.stdout.write(ctx.isTTY ? `\r${line}` : `${line}\n`);
    },
  });
  if (ctx.isTTY) ctx.stdout.write('\n');
  if (final.status === 'failed') {
    throw cliErrors.CLI_JOB_FAILED(`job ${jobId} failed${final.error ? `: ${final.error}` : ''}`);
  }
  ctx.stdout.write(`job ${jobId} completed\n`);
  return 0;
}
