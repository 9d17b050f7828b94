// `evh watch` as a user runs it: files appear in a folder while it runs, it is stopped with a
// signal and started again on the same state file.
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { summarySchema } from '@evh/logs';
import { type FakeJobServices, startFakeJobServices } from './fake-job-services.js';
import { runCli, samplePath, startCli } from './run-cli.js';

let dir: string;
let sample: string[];
let services: FakeJobServices;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evh-watch-'));
  sample = (await readFile(samplePath, 'utf8')).split('\n');
  services = await startFakeJobServices();
});
after(async () => {
  await services.close();
  await rm(dir, { recursive: true, force: true });
});

const count = (text: string, pattern: RegExp) => (text.match(new RegExp(pattern, 'g')) ?? []).length;

async function readSummary(path: string) {
  return summarySchema.parse(JSON.parse(await readFile(path, 'utf8')));
}

describe('evh watch', () => {
  it('processes a new file once, only after it is fully written, and not again after a restart', async () => {
    const folder = join(dir, 'inbox');
    const out = join(dir, 'out');
    await mkdir(folder);
    // stable-ms is far longer than the gap between the two writes below, so a file caught
    // half-written cannot look finished.
    const args = [
      'watch',
      folder,
      '--out',
      out,
      '--interval-ms',
      '50',
      '--stable-ms',
      '1500',
      '--workers',
      '1',
      '--concurrency',
      '1',
    ];

    const first = startCli(args);
    await first.waitForOutput(/watching /);
    await writeFile(join(folder, 'a.txt'), `${sample.slice(0, 500).join('\n')}\n`);
    await first.waitForOutput(/new file a\.txt, waiting for it to settle/);
    await appendFile(join(folder, 'a.txt'), sample.slice(500).join('\n'));
    await first.waitForOutput(/analysed a\.txt: /);
    first.child.kill('SIGTERM');
    const stopped = await first.exited;
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.equal(count(stopped.stdout, /analysed a\.txt/), 1, stopped.stdout);
    assert.equal(
      (await readSummary(join(out, 'a.txt', 'summary.json'))).lines,
      1000,
      'the whole file, not the half',
    );
    const state = JSON.parse(await readFile(join(folder, '.evh-watch-state.json'), 'utf8'));
    assert.deepEqual(Object.keys(state.files), ['a.txt']);
    assert.deepEqual(
      (await readdir(folder)).sort(),
      ['.evh-watch-state.json', 'a.txt'],
      'no temporary files left',
    );

    // Restart on the same state. b.txt is picked up by a poll that also sees a.txt; with one
    // file at a time in name order, a.txt would have been processed before b.txt.
    const second = startCli(args);
    await second.waitForOutput(/watching /);
    await writeFile(join(folder, 'b.txt'), `${sample.slice(0, 10).join('\n')}\n`);
    await second.waitForOutput(/analysed b\.txt: 10 lines/);
    second.child.kill('SIGINT');
    const restarted = await second.exited;
    assert.equal(restarted.code, 0, restarted.stderr);
    assert.equal(count(restarted.stdout, /a\.txt/), 0, restarted.stdout);
    const after = JSON.parse(await readFile(join(folder, '.evh-watch-state.json'), 'utf8'));
    assert.deepEqual(Object.keys(after.files).sort(), ['a.txt', 'b.txt']);
    assert.deepEqual(after.files['a.txt'], state.files['a.txt']);

    // --once on the same folder: only the new file, then it exits by itself.
    await writeFile(join(folder, 'c.txt'), `${sample.slice(0, 3).join('\n')}\n`);
    const once = await runCli(['watch', folder, '--out', out, '--stable-ms', '100', '--once']);
    assert.equal(once.code, 0, once.stderr);
    assert.match(once.stdout, /analysed c\.txt: 3 lines/);
    assert.equal(count(once.stdout, /analysed/), 1, once.stdout);
  });

  it('reprocesses a file that changed after it was processed', async () => {
    const folder = join(dir, 'changing');
    await mkdir(folder);
    const args = [
      'watch',
      folder,
      '--out',
      join(dir, 'out2'),
      '--stable-ms',
      '50',
      '--workers',
      '1',
      '--once',
    ];
    await writeFile(join(folder, 'a.txt'), `${sample[0]}\n`);
    assert.match((await runCli(args)).stdout, /analysed a\.txt: 1 lines/);
    await appendFile(join(folder, 'a.txt'), `${sample[1]}\n`);
    assert.match((await runCli(args)).stdout, /analysed a\.txt: 2 lines/);
    assert.doesNotMatch((await runCli(args)).stdout, /analysed/);
  });

  it('with --upload, uploads each new file once', async () => {
    const folder = join(dir, 'outbox');
    await mkdir(folder);
    await writeFile(
      join(folder, 'x.jsonl'),
      '{"timestamp":"2025-07-22T10:00:00Z","level":"info","service":"s","message":"m"}\n',
    );
    await writeFile(join(folder, 'y.txt.part'), 'still being written');
    const before = services.uploads.length;
    const args = [
      'watch',
      folder,
      '--upload',
      services.url,
      '--project',
      'p-7',
      '--stable-ms',
      '50',
      '--once',
    ];
    const first = await runCli(args);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /uploaded x\.jsonl: job [\w-]+/);
    const again = await runCli(args);
    assert.doesNotMatch(again.stdout, /uploaded/);
    const uploads = services.uploads.slice(before);
    assert.deepEqual(
      uploads.map((u) => [u.fileName, u.projectId]),
      [['x.jsonl', 'p-7']],
    );
  });

  it('refuses a corrupt state file instead of processing everything again', async () => {
    const folder = join(dir, 'corrupt');
    await mkdir(folder);
    await writeFile(join(folder, '.evh-watch-state.json'), 'not json');
    const result = await runCli(['watch', folder, '--once']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /is not a watch state file/);
  });
});
