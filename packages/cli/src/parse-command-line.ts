import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { z } from 'zod';
import { cliErrors } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * Reads a command's arguments with node:util parseArgs, then validates them with the
 * command's zod schema (one schema per command: the argv is a boundary like any other).
 * `--chunk-bytes` arrives in the schema as `chunkBytes`; positionals by the names given.
 * Every problem becomes one CLI_USAGE error that names the flag.
 */
export function parseCommandLine<S extends z.ZodType>(
  args: string[],
  spec: { options: OptionSpec; positionals: readonly string[] },
  schema: S,
): z.output<S> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: spec.options, allowPositionals: true, strict: true });
  } catch (err) {
    throw cliErrors.CLI_USAGE((err as Error).message);
  }
  if (parsed.positionals.length > spec.positionals.length) {
    throw cliErrors.CLI_USAGE(`unexpected argument "${parsed.positionals[spec.positionals.length]}"`);
  }
  const input: Record<string, unknown> = {};
  for (const [flag, value] of Object.entries(parsed.values)) input[camel(flag)] = value;
  spec.positionals.forEach((name, i) => {
    if (parsed.positionals[i] !== undefined) input[name] = parsed.positionals[i];
  });
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const name = spec.positionals.includes(key) ? `<${key}>` : `--${kebab(key)}`;
      return `${key ? `${name}: ` : ''}${issue.message}`;
    });
    throw cliErrors.CLI_USAGE(problems.join('; '));
  }
  return result.data;
}
