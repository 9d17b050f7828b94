import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { contentTypeFor, createMultipartBody } from './multipart-body.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evh-multipart-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createMultipartBody', () => {
  it('writes the fields, then the file part, and announces its exact length', async () => {
    const path = join(dir, 'a.jsonl');
    await writeFile(path, '{"a":1}\n');
    const body = createMultipartBody(
      { projectId: 'p-1' },
      { path, name: 'we"ird\r\nname.jsonl', size: 8, contentType: 'application/x-ndjson' },
      'BOUNDARY',
    );
    const bytes = await buffer(body.stream);
    assert.equal(body.contentType, 'multipart/form-data; boundary=BOUNDARY');
    assert.equal(body.contentLength, bytes.length);
    assert.equal(
      bytes.toString(),
      '--BOUNDARY\r\nContent-Disposition: form-data; name="projectId"\r\n\r\np-1\r\n' +
        '--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="we%22ird%0D%0Aname.jsonl"\r\n' +
        'Content-Type: application/x-ndjson\r\n\r\n{"a":1}\n\r\n--BOUNDARY--\r\n',
    );
  });

  it('streams the file in pieces rather than one buffer', async () => {
    const path = join(dir, 'big.txt');
    await writeFile(path, Buffer.alloc(1 << 20, 'x'));
    const body = createMultipartBody({}, { path, name: 'big.txt', size: 1 << 20, contentType: 'text/plain' });
    let pieces = 0;
    let largest = 0;
    for await (const piece of body.stream) {
      pieces++;
      largest = Math.max(largest, (piece as Buffer).length);
    }
    assert.ok(pieces > 4, `${pieces} pieces`);
    assert.ok(largest <= 64 * 1024, `largest piece ${largest} bytes`);
  });

  it('sends at most the size it announced, even if the file grows meanwhile', async () => {
    const path = join(dir, 'growing.txt');
    await writeFile(path, 'abcdef');
    const body = createMultipartBody({}, { path, name: 'g.txt', size: 3, contentType: 'text/plain' }, 'B');
    const text = (await buffer(body.stream)).toString();
    assert.match(text, /\r\n\r\nabc\r\n--B--\r\n$/);
    assert.equal(body.contentLength, Buffer.byteLength(text));
  });

  it('labels the file by its extension', () => {
    const cases: [string, string][] = [
      ['a.jsonl', 'application/x-ndjson'],
      ['a.NDJSON', 'application/x-ndjson'],
      ['a.txt', 'text/plain'],
      ['a.bin', 'application/octet-stream'],
    ];
    for (const [name, type] of cases) assert.equal(contentTypeFor(name), type, name);
  });
});
