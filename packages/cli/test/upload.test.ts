// `evh upload` against a Fastify stand-in for ingest and reporter (fake-job-services.ts).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, waitFor } from '@evh/testing';
import { type FakeJobServices, startFakeJobServices } from './fake-job-services.js';
import { runCli, samplePath, startCli } from './run-cli.js';

let dir: string;
let services: FakeJobServices;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evh-upload-'));
  services = await startFakeJobServices();
});
after(async () => {
  await services.close();
  await rm(dir, { recursive: true, force: true });
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Bytes the process has read with read(2) so far: its files, mostly. */
function bytesRead(pid: number): number {
  return Number(/rchar:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? Number.NaN);
}

describe('evh upload', () => {
  it('uploads the file as multipart field `file` with projectId, follows the job and exits 0', async () => {
    const path = join(dir, 'events.jsonl');
    await writeFile(path, await readFile(samplePath));
    const result = await runCli([
      'upload',
      path,
      '--ingest',
      services.url,
      '--reporter',
      services.url,
      '--project',
      'p-42',
      '--follow',
      '--interval-ms',
      '20',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const upload = services.uploads.at(-1);
    assert.ok(upload);
    assert.deepEqual(
      { ...upload, jobId: undefined, pieces: undefined },
      {
        jobId: undefined,
        pieces: undefined,
        fileName: 'events.jsonl',
        field: 'file',
        contentType: 'application/x-ndjson',
        projectId: 'p-42',
        bytes: 76114,
        sha256: sha256(await readFile(samplePath)),
      },
    );
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines[0], `uploaded events.jsonl (76,114 bytes): job ${upload.jobId}`);
    assert.match(lines[1] ?? '', /^\[-+\] +0% queued/);
    assert.match(lines[2] ?? '', /^\[#+-+\] +40% processing +lines 400 +valid 399 +invalid 1/);
    assert.match(lines[3] ?? '', /^\[#+-+\] +80% processing/);
    assert.match(lines[4] ?? '', /^\[#+\] 100% completed/);
    assert.equal(lines[5], `job ${upload.jobId} completed`);
  });

  it('exits 1 when the job fails, with the job’s error', async () => {
    const path = join(dir, 'will-fail.txt');
    await writeFile(path, 'x\n');
    const result = await runCli([
      'upload',
      path,
      '--ingest',
      services.url,
      '--reporter',
      services.url,
      '--follow',
      '--interval-ms',
      '20',
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /job [\w-]+ failed: database connection lost/);
    assert.match(result.stdout, /80% failed/);
  });

  it('without --follow, exits 0 once the upload is accepted', async () => {
    const path = join(dir, 'plain.txt');
    await writeFile(path, 'x\n');
    const result = await runCli(['upload', path, '--ingest', services.url]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^uploaded plain\.txt \(2 bytes\): job [\w-]+\n$/);
    assert.equal(services.uploads.at(-1)?.projectId, undefined);
  });

  it('exits 1 when the upload is refused or the service is unreachable, 2 on usage errors', async () => {
    const rejected = join(dir, 'reject-me.txt');
    await writeFile(rejected, 'x\n');
    const closed = `http://127.0.0.1:${await freePort()}`;
    const cases: [string[], number, RegExp][] = [
      [['upload', rejected, '--ingest', services.url], 1, /answered 413: .*file too large/],
      [['upload', rejected, '--ingest', closed], 1, /cannot reach http:.* \(ECONNREFUSED\)/],
      [['upload', join(dir, 'nope.txt'), '--ingest', services.url], 1, /nope\.txt: no such file/],
      [['upload', rejected], 2, /--ingest: /],
      [['upload', rejected, '--ingest', services.url, '--follow'], 2, /--follow needs --reporter/],
      [['upload', '--ingest', services.url], 2, /<file>: a file to upload is required/],
    ];
    for (const [args, code, message] of cases) {
      const result = await runCli(args);
      assert.equal(result.code, code, `${args.join(' ')}\n${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
  });

  it('streams the file: while the server holds the upload, the CLI has read a fraction of it', async () => {
    const size = 64 * 1024 * 1024;
    const path = join(dir, 'big.txt');
    await writeFile(path, Buffer.alloc(size, 'payments\n'));
    let release: (() => void) | undefined;
    services.holdUploads(
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    const cli = startCli(['upload', path, '--ingest', services.url]);
    try {
      const pid = cli.child.pid as number;
      await waitFor('the first piece at the server', () => services.receiving() > 0);
      // Back-pressure has stopped the reader once the read stops moving; buffers in between
      // (socket, stream high-water marks) are a few MB, not the file.
      let last = -1;
      const held = await waitFor(
        'the CLI to stop reading',
        () => {
          const now = bytesRead(pid);
          const still = now === last;
          last = now;
          return still ? now : false;
        },
        { intervalMs: 250 },
      );
      assert.ok(held < size / 2, `read ${held} bytes of ${size} while held`);
    } finally {
      services.holdUploads(undefined);
      release?.();
    }
    const result = await cli.exited;
    assert.equal(result.code, 0, result.stderr);
    const upload = services.uploads.at(-1);
    assert.equal(upload?.bytes, size);
    assert.ok((upload?.pieces ?? 0) > 10, `arrived in ${upload?.pieces} pieces`);
  });
});
