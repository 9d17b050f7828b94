// `evh analyze` as a user runs it: the compiled CLI in its own process, its files compared
// with what @evh/logs computes in this process.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  AnalyticsAccumulator,
  AnomalyLog,
  type AnomalyReport,
  anomalyReportSchema,
  createLogAnalyzer,
  resolveLogsConfig,
  type Summary,
  summarySchema,
} from '@evh/logs';
import { runCli, samplePath } from './run-cli.js';

let dir: string;
let sample: string[];
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evh-analyze-'));
  sample = (await readFile(samplePath, 'utf8')).split('\n');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `evh analyze`, checks it succeeded, and returns its two files, schema-checked. */
async function analyze(
  input: string,
  ...flags: string[]
): Promise<{ summary: Summary; anomalies: AnomalyReport; stdout: string }> {
  const out = join(dir, `out-${Math.random().toString(36).slice(2)}`);
  const result = await runCli(['analyze', input, '--out', out, ...flags]);
  assert.equal(result.code, 0, result.stderr);
  return {
    summary: summarySchema.parse(JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'))),
    anomalies: anomalyReportSchema.parse(JSON.parse(await readFile(join(out, 'anomalies.json'), 'utf8'))),
    stdout: result.stdout,
  };
}

/** The same analysis in this process, one analyzer per file, merged in name order. */
function inProcess(files: { name: string; lines: string[] }[]) {
  const analytics = new AnalyticsAccumulator();
  const anomalies = new AnomalyLog(1000);
  for (const file of files) {
    const analyzer = createLogAnalyzer({
      config: resolveLogsConfig({ nowMs: Date.now() }),
      format: file.name.endsWith('.jsonl') ? 'jsonl' : 'text',
      where: { file: file.name },
      anomalyCap: 1000,
    });
    for (const line of file.lines) analyzer.push(line);
    analytics.merge(analyzer.analytics.snapshot());
    anomalies.merge(analyzer.anomalies.snapshot());
  }
  return { summary: analytics.toSummary(), anomalies: anomalies.toReport() };
}

const withoutDuplicates = (report: AnomalyReport) =>
  report.anomalies.filter((a) => a.kind !== 'duplicate_line');

describe('evh analyze', () => {
  it('writes for the sample file exactly what @evh/logs computes, and reports speed and memory', async () => {
    const { summary, anomalies, stdout } = await analyze(samplePath);
    const expected = inProcess([{ name: 'payments-example_input.txt', lines: sample }]);
    assert.deepEqual(summary, expected.summary);
    assert.deepEqual(anomalies, expected.anomalies);
    assert.equal(summary.lines, 1000);
    assert.match(stdout, /1,000 lines \(1,000 valid, 0 invalid\)/);
    assert.match(stdout, /in \d+\.\d\d s with \d+ worker/);
    assert.match(stdout, /throughput +[\d,]+ lines\/s, [\d.]+ MB\/s/);
    assert.match(stdout, /peak memory +[\d,]+ MiB RSS/);
  });

  it('gives the same result for a file cut into ranges over 4 workers as over 1, and as uncut', async () => {
    const whole = await analyze(samplePath, '--workers', '1');
    const one = await analyze(samplePath, '--workers', '1', '--chunk-bytes', '4096');
    const four = await analyze(samplePath, '--workers', '4', '--chunk-bytes', '4096');
    assert.deepEqual(four.summary, one.summary);
    assert.deepEqual(four.anomalies, one.anomalies);
    assert.deepEqual(four.summary, whole.summary);
    // Line numbers are the file's, not the range's: the per-line anomalies are the same as
    // uncut. Duplicates further apart than a range are the documented loss of cutting.
    assert.deepEqual(withoutDuplicates(four.anomalies), withoutDuplicates(whole.anomalies));
    assert.match(four.stdout, /with 4 worker\(s\) over 19 range\(s\)/);
  });

  it('analyses a folder file by file, the same with 1 and 3 workers, as in-process', async () => {
    const folder = join(dir, 'folder');
    await mkdir(folder);
    const files = [
      { name: 'a.txt', lines: sample.slice(0, 300) },
      { name: 'b.txt', lines: sample.slice(300, 700) },
      { name: 'c.txt', lines: sample.slice(700) },
      {
        name: 'd.jsonl',
        lines: sample.slice(0, 50).map((line) => {
          const [timestamp, level, service, userId, ...message] = line.split(' ');
          return JSON.stringify({ timestamp, level, service, userId, message: message.join(' '), amount: 1 });
        }),
      },
    ];
    for (const f of files) await writeFile(join(folder, f.name), `${f.lines.join('\n')}\n`);
    const one = await analyze(folder, '--workers', '1');
    const three = await analyze(folder, '--workers', '3');
    assert.deepEqual(three.summary, one.summary);
    assert.deepEqual(three.anomalies, one.anomalies);
    const expected = inProcess(files);
    assert.deepEqual(one.summary, expected.summary);
    assert.deepEqual(one.anomalies, expected.anomalies);
    assert.equal(one.summary.lines, 1050);
    assert.match(one.stdout, /analysed 4 file\(s\)/);
  });

  it('never stops on malformed input, and counts each bad line with its reason', async () => {
    const good = sample[0] as string;
    const junk = Buffer.concat([
      Buffer.from(`${good}\n\n   \n${good}\r\n`),
      Buffer.from([0x00, 0xff, 0xfe, 0x0a]), // binary junk: one field
      Buffer.from(`2025-07-22T10:00:00Z INFO\n`), // too few fields
      Buffer.from(`22/07/2025 INFO Svc user1 message\n`), // not a timestamp
      Buffer.from(`${'x'.repeat(5000)}\n`), // past --max-line-bytes
      Buffer.from(`2025-02-30T10:00:00Z SUCCESS Svc user1 impossible date\n`),
      Buffer.from(`${'y'.repeat(5000)}`), // and the file ends inside a long line
    ]);
    const path = join(dir, 'junk.log');
    await writeFile(path, junk);
    const { summary, anomalies } = await analyze(path, '--max-line-bytes', '1000', '--chunk-bytes', '64');
    assert.deepEqual(summary.invalid_reasons, {
      bad_timestamp: 1,
      empty_line: 2,
      line_too_long: 2,
      too_few_fields: 2,
    });
    assert.deepEqual([summary.lines, summary.valid, summary.invalid], [10, 3, 7]);
    assert.deepEqual(summary.payment_statuses, { SUCCESS: 3 });
    assert.equal(anomalies.by_kind.invalid_line, 7);
    assert.equal(anomalies.by_kind.impossible_timestamp, 1);

    const jsonl = join(dir, 'junk.jsonl');
    await writeFile(
      jsonl,
      '{"timestamp":"2025-07-22T10:00:00Z","level":"info","service":"s","message":"m"}\n{oops\n[]\n',
    );
    const j = await analyze(jsonl);
    assert.deepEqual(j.summary.invalid_reasons, { invalid_json: 1, schema: 1 });
    assert.deepEqual(j.summary.payment_statuses, { INFO: 1 });
  });

  it('keeps anomalies to --max-anomalies and still counts them all', async () => {
    const { anomalies } = await analyze(samplePath, '--max-anomalies', '5');
    assert.equal(anomalies.anomalies.length, 5);
    assert.equal(anomalies.total, 571);
    assert.equal(anomalies.truncated, true);
  });

  it('exits 2 on a usage error and 1 on a missing input, saying why', async () => {
    const cases: [string[], number, RegExp][] = [
      [['analyze'], 2, /<input>: a file or folder to analyse is required/],
      [['analyze', samplePath, '--workers', 'zero'], 2, /--workers: /],
      [['analyze', samplePath, '--frobnicate'], 2, /Unknown option '--frobnicate'/],
      [['analyse', samplePath], 2, /unknown command "analyse"/],
      [[], 2, /Usage: evh <command>/],
      [['analyze', join(dir, 'missing.txt')], 1, /missing\.txt: no such file or folder/],
    ];
    for (const [args, code, message] of cases) {
      const result = await runCli(args);
      assert.equal(result.code, code, args.join(' '));
      assert.match(result.stderr, message, args.join(' '));
    }
    const help = await runCli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /evh analyze|analyze <file\|folder>/);
  });
});
