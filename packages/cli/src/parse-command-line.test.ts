import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCodedError } from '@evh/lifecycle';
import { analyzeOptionsSchema } from './commands/analyze-command.js';
import { uploadOptionsSchema } from './commands/upload-command.js';
import { parseCommandLine } from './parse-command-line.js';

const analyzeSpec = {
  positionals: ['input'],
  options: {
    out: { type: 'string' },
    workers: { type: 'string' },
    'chunk-bytes': { type: 'string' },
    statuses: { type: 'string' },
    json: { type: 'boolean' },
  },
} as const;

const usageError = (args: string[]) => {
  try {
    parseCommandLine(args, analyzeSpec, analyzeOptionsSchema.partial({ maxAnomalies: true }));
  } catch (err) {
    assert.ok(isCodedError(err) && err.code === 'CLI_USAGE', String(err));
    return err.message;
  }
  assert.fail(`accepted ${args.join(' ')}`);
};

describe('parseCommandLine', () => {
  it('turns flags into typed options with defaults', () => {
    const options = parseCommandLine(
      ['data/', '--workers', '4', '--chunk-bytes=1024', '--statuses', 'OK, KO,', '--json'],
      analyzeSpec,
      analyzeOptionsSchema,
    );
    assert.deepEqual(options, {
      input: 'data/',
      out: 'output',
      workers: 4,
      chunkBytes: 1024,
      maxAnomalies: 1000,
      maxLineBytes: 1024 * 1024,
      statuses: ['OK', 'KO'],
      json: true,
    });
  });

  it('makes every mistake a usage error that names the flag', () => {
    const cases: [string[], RegExp][] = [
      [[], /^<input>: a file or folder to analyse is required/],
      [['x', '--workers', 'lots'], /^--workers: /],
      [['x', '--workers', '0'], /^--workers: /],
      [['x', '--chunk-bytes', '1.5'], /^--chunk-bytes: /],
      [['x', '--statuses', ','], /^--statuses: needs at least one value/],
      [['x', '--bogus'], /Unknown option '--bogus'/],
      [['x', 'y'], /^unexpected argument "y"/],
    ];
    for (const [args, message] of cases) assert.match(usageError(args), message, args.join(' '));
  });

  it('checks upload URLs and that --follow has a reporter', () => {
    const spec = {
      positionals: ['file'],
      options: { ingest: { type: 'string' }, reporter: { type: 'string' }, follow: { type: 'boolean' } },
    } as const;
    const parse = (args: string[]) => parseCommandLine(args, spec, uploadOptionsSchema);
    assert.equal(parse(['f', '--ingest', 'http://h:1/']).ingest, 'http://h:1');
    for (const [args, message] of [
      [['f', '--ingest', 'ftp://h'], /^--ingest: must be an http\(s\) URL/],
      [['f'], /^--ingest: /],
      [['f', '--ingest', 'http://h', '--follow'], /^--reporter: --follow needs --reporter <url>/],
    ] as [string[], RegExp][]) {
      assert.throws(
        () => parse(args),
        (err) => isCodedError(err) && message.test(err.message),
        args.join(' '),
      );
    }
  });
});
