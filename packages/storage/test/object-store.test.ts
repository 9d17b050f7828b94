import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, test } from 'node:test';
import { tempDir } from '@evh/testing';
import { createLocalStore, createObjectStore, type ObjectStore } from '../src/index.js';
import { testStores } from './test-stores.js';

/** A stream of `size` deterministic bytes, produced lazily (never one big buffer). */
function generated(size: number, chunk = 64 * 1024): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) return this.push(null);
      const n = Math.min(chunk, size - sent);
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = (sent + i) % 251;
      sent += n;
      this.push(b);
    },
  });
}

const stores = testStores('evh-store', 5 * 1024 * 1024);

for (const [name, make] of stores) {
  describe(`object store: ${name}`, () => {
    let store: ObjectStore;
    before(async () => {
      store = await make();
    });
    after(async () => {
      await store?.close();
    });

    test('put streams an object and get returns the same bytes', async () => {
      const res = await store.put(
        'uploads/a/small.log',
        Readable.from([Buffer.from('line 1\n'), Buffer.from('line 2\n')]),
      );
      assert.deepEqual(res, { key: 'uploads/a/small.log', bytes: 14 });
      assert.equal(await store.size('uploads/a/small.log'), 14);
      assert.equal((await buffer(await store.get('uploads/a/small.log'))).toString(), 'line 1\nline 2\n');
    });

    test('get from an offset reads the rest (a resumed job)', async () => {
      await store.put('uploads/b/resume.log', Readable.from([Buffer.from('0123456789')]));
      assert.equal((await buffer(await store.get('uploads/b/resume.log', 6))).toString(), '6789');
    });

    test('a 12 MB object streams through in parts', async () => {
      const size = 12 * 1024 * 1024;
      const res = await store.put('uploads/c/big.log', generated(size));
      assert.equal(res.bytes, size);
      assert.equal(await store.size('uploads/c/big.log'), size);
      const back = await buffer(await store.get('uploads/c/big.log', size - 10));
      assert.deepEqual(
        [...back],
        Array.from({ length: 10 }, (_, i) => (size - 10 + i) % 251),
      );
    });

    test('a missing object: size null, get OBJECT_NOT_FOUND, delete is a no-op', async () => {
      assert.equal(await store.size('uploads/none'), null);
      await assert.rejects(store.get('uploads/none'), { code: 'OBJECT_NOT_FOUND' });
      await store.delete('uploads/none');
    });

    test('delete removes an object', async () => {
      await store.put('uploads/d/x.log', Readable.from([Buffer.from('x')]));
      await store.delete('uploads/d/x.log');
      assert.equal(await store.size('uploads/d/x.log'), null);
      assert.equal(await store.ping(), true);
    });
  });
}

test('createObjectStore: a folder by default; S3 needs its endpoint and keys', () => {
  assert.equal(
    createObjectStore({ STORAGE_DIR: tmpdir(), S3_REGION: 'x', S3_FORCE_PATH_STYLE: true }).kind,
    'local',
  );
  assert.throws(
    () =>
      createObjectStore({ STORAGE_DIR: tmpdir(), S3_BUCKET: 'b', S3_REGION: 'x', S3_FORCE_PATH_STYLE: true }),
    /S3_ENDPOINT/,
  );
});

test('the local store refuses a key that escapes its folder', async () => {
  const store = createLocalStore(tempDir('evh-store-'));
  await assert.rejects(store.put('../escape', Readable.from([Buffer.from('x')])), /escapes/);
});
