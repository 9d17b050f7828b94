import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { isCodedError } from '@evh/lifecycle';
import { randomName, tempDir } from '@evh/testing';
import { createLocalStore, type ObjectStore } from '../src/index.js';
import { testStores } from './test-stores.js';

// Issue 10, item 1: a body that fails while the store is still preparing (making its folder,
// reaching the object store) crashed the process with an 'error' nobody listened to. A store
// must take the failure as the body's own: put rejects with it, and no object appears.

/** A body that fails on the next tick, before any store can have started reading it. */
function failsAtOnce(message: string): Readable {
  const body = new Readable({ read() {} });
  process.nextTick(() => body.destroy(new Error(message)));
  return body;
}

/** A body that sends some bytes, then fails. */
function failsMidway(message: string): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent++ < 3) this.push(Buffer.alloc(1024, 'a'));
      else this.destroy(new Error(message));
    },
  });
}

const stores = testStores('evh-fail');

for (const [name, make] of stores) {
  describe(`a failing body, ${name} store`, () => {
    let store: ObjectStore;
    before(async () => {
      store = await make();
    });
    after(async () => {
      await store?.close();
    });

    for (const [how, body] of [
      ['before the store reads it', failsAtOnce],
      ['midway', failsMidway],
    ] as const) {
      test(`fails ${how}: put rejects with the body's own error, and nothing is stored`, async () => {
        const key = `uploads/${randomName('j')}/a.log`;
        await assert.rejects(store.put(key, body('the client went away')), (err: Error) => {
          assert.equal(err.message, 'the client went away');
          assert.ok(!isCodedError(err), 'not a STORAGE_UNAVAILABLE: the store did not fail');
          return true;
        });
        assert.equal(await store.size(key), null);
      });
    }

    test('the store serves on: a whole body is stored', async () => {
      const key = `uploads/${randomName('j')}/ok.log`;
      assert.deepEqual(await store.put(key, Readable.from([Buffer.from('ok\n')])), { key, bytes: 3 });
    });
  });
}

test('the store failing on its own is STORAGE_UNAVAILABLE, not the body failure', async () => {
  // A folder that cannot be made: its parent is a file.
  const dir = tempDir('evh-not-a-folder-');
  writeFileSync(join(dir, 'file'), 'x');
  const store = createLocalStore(join(dir, 'file'));
  await assert.rejects(store.put('uploads/j/a.log', Readable.from([Buffer.from('x')])), (err: unknown) => {
    assert.ok(isCodedError(err), String(err));
    assert.equal(err.code, 'STORAGE_UNAVAILABLE');
    return true;
  });
});
