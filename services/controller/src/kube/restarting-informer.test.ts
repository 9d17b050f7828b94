import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@evh/lifecycle';
import { createRestartingInformer, type InformerLike } from './restarting-informer.js';

/**
 * A stand-in for the client's informer at the edge this module owns: each start() follows
 * the next script entry ('ok', or 'error' reported through the error callback as the
 * client does), and emit() plays a watch event.
 */
function scriptedInformer(script: ('ok' | 'error' | 'throw')[]) {
  const handlers: Record<string, ((x?: unknown) => void)[]> = {};
  let starts = 0;
  let stops = 0;
  const informer: InformerLike<string> = {
    on(verb: string, cb: (x: never) => void) {
      const list = handlers[verb] ?? [];
      list.push(cb as (x?: unknown) => void);
      handlers[verb] = list;
    },
    async start() {
      const step = script[starts++] ?? 'ok';
      if (step === 'throw') throw new Error('start threw');
      if (step === 'error')
        for (const cb of handlers.error ?? []) cb(Object.assign(new Error('Forbidden'), { statusCode: 403 }));
    },
    async stop() {
      stops++;
    },
  };
  return {
    informer,
    emit: (verb: string, obj: string) => {
      for (const cb of handlers[verb] ?? []) cb(obj);
    },
    fail: () => {
      for (const cb of handlers.error ?? []) cb(new Error('ECONNRESET'));
    },
    counts: () => ({ starts, stops }),
  };
}

const logger = createLogger('informer-test', 'silent');

describe('createRestartingInformer', () => {
  it('restarts after errors with growing delays until a start succeeds, then reports synced', async () => {
    const s = scriptedInformer(['error', 'throw', 'error', 'ok']);
    const delays: number[] = [];
    let syncs = 0;
    const r = createRestartingInformer({
      informer: s.informer,
      onChange: () => {},
      onSynced: () => syncs++,
      onRestart: (_e, d) => delays.push(d),
      logger,
      baseDelayMs: 5,
      maxDelayMs: 12,
    });
    await r.start();
    assert.equal(r.synced, false);
    await sleep(100);
    assert.deepEqual(delays, [5, 10, 12]);
    assert.equal(s.counts().starts, 4);
    assert.equal(r.synced, true);
    assert.equal(syncs, 1);

    // A later watch failure (the connection reset) starts the cycle again, from the base delay.
    s.fail();
    assert.equal(r.synced, false);
    await sleep(30);
    assert.equal(r.synced, true);
    assert.deepEqual(delays, [5, 10, 12, 5]);
    await r.stop();
  });

  it('passes changes on while running, and nothing after stop, when errors are ignored', async () => {
    const s = scriptedInformer(['ok']);
    const seen: string[] = [];
    const r = createRestartingInformer({
      informer: s.informer,
      onChange: (o) => seen.push(o),
      logger,
      baseDelayMs: 5,
      maxDelayMs: 5,
    });
    await r.start();
    s.emit('add', 'a');
    s.emit('update', 'b');
    s.emit('delete', 'c');
    await r.stop();
    s.emit('add', 'late');
    s.fail();
    await sleep(20);
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.deepEqual(s.counts(), { starts: 1, stops: 1 });
  });
});
