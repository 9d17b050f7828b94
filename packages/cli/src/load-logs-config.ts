import { readFile } from 'node:fs/promises';
import { type LogsConfig, logsConfigSchema } from '@evh/logs';
import { cliErrors } from './errors.js';

/**
 * The analysis settings: a JSON file of LogsConfig fields (--config), then --statuses, then
 * the run's start time as the reference for the far-future check unless the file sets `nowMs`.
 */
export async function loadLogsConfig(options: {
  configPath?: string;
  statuses?: string[];
  nowMs: number;
}): Promise<LogsConfig> {
  let fromFile: Record<string, unknown> = {};
  if (options.configPath) {
    const text = await readFile(options.configPath, 'utf8').catch((err: Error) => {
      throw cliErrors.CLI_USAGE(`--config: cannot read ${options.configPath}: ${err.message}`);
    });
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw cliErrors.CLI_USAGE(`--config: ${options.configPath} is not JSON: ${(err as Error).message}`);
    }
  }
  const result = logsConfigSchema.safeParse({
    ...fromFile,
    ...(options.statuses ? { knownStatuses: options.statuses } : {}),
    nowMs: fromFile.nowMs ?? options.nowMs,
  });
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw cliErrors.CLI_USAGE(`--config: ${problems.join('; ')}`);
  }
  return result.data;
}
