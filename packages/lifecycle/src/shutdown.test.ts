import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from './create-logger.js';
import { createShutdown } from './shutdown.js';

const logger = createLogger('shutdown-test', 'silent');

describe('createShutdown', () => {
  it('closes the steps in reverse order of registration', async () => {
    const shutdown = createShutdown({ logger, timeoutMs: 5_000 });
    const ran: string[] = [];
    for (const name of ['http', 'kafka', 'redis']) shutdown.register(name, () => void ran.push(name));

    const result = await shutdown.close('test');

    assert.deepEqual(ran, ['redis', 'kafka', 'http']);
    assert.deepEqual(result, { failed: [], timedOut: false });
  });

  it('runs the later steps after a failing one and reports every failure in `failed`', async () => {
    const shutdown = createShutdown({ logger, timeoutMs: 5_000 });
    const ran: string[] = [];
    shutdown.register('first', () => void ran.push('first'));
    shutdown.register('throws', () => {
      ran.push('throws');
      throw new Error('sync failure');
    });
    shutdown.register('middle', async () => void ran.push('middle'));
    shutdown.register('rejects', async () => {
      ran.push('rejects');
      throw new Error('async failure');
    });

    const result = await shutdown.close('test');

    assert.deepEqual(ran, ['rejects', 'middle', 'throws', 'first']);
    assert.deepEqual(result, { failed: ['rejects', 'throws'], timedOut: false });
  });

  it('is idempotent: a second close returns the same promise and each step runs once', async () => {
    const shutdown = createShutdown({ logger, timeoutMs: 5_000 });
    const calls = { a: 0, b: 0 };
    shutdown.register('a', () => void calls.a++);
    shutdown.register('b', async () => void calls.b++);
    assert.equal(shutdown.closing, false);

    const first = shutdown.close('SIGTERM');
    const second = shutdown.close('SIGINT');

    assert.equal(shutdown.closing, true);
    assert.equal(second, first);
    assert.deepEqual(await first, { failed: [], timedOut: false });
    const third = shutdown.close('again, after it finished');
    assert.equal(third, first);
    await third;
    assert.deepEqual(calls, { a: 1, b: 1 });
  });

  it('is bounded: a hanging step makes close resolve with timedOut after timeoutMs', async () => {
    const timeoutMs = 150;
    const shutdown = createShutdown({ logger, timeoutMs });
    const ran: string[] = [];
    shutdown.register('after-the-hang', () => void ran.push('after-the-hang'));
    // The step waits on something that never answers, the way a close hangs on a dead socket;
    // the pending timer stands for that socket (it keeps the process alive, as the socket would).
    let hang: NodeJS.Timeout | undefined;
    shutdown.register('hangs', () => {
      ran.push('hangs');
      return new Promise<void>((resolve) => {
        hang = setTimeout(resolve, 60_000);
      });
    });
    shutdown.register('before-the-hang', () => void ran.push('before-the-hang'));

    try {
      const started = Date.now();
      const result = await shutdown.close('test');
      const ms = Date.now() - started;

      assert.equal(result.timedOut, true);
      assert.deepEqual(result.failed, []);
      assert.ok(ms >= timeoutMs - 5, `resolved after ${ms} ms, before the ${timeoutMs} ms bound`);
      assert.ok(ms < timeoutMs + 1_000, `resolved after ${ms} ms, long after the ${timeoutMs} ms bound`);
      assert.deepEqual(ran, ['before-the-hang', 'hangs']);
    } finally {
      clearTimeout(hang);
    }
  });

  it('refuses to register a step once close has been called, from a later step, and after', async () => {
    const shutdown = createShutdown({ logger, timeoutMs: 5_000 });
    let fromLaterStep: unknown;
    shutdown.register('registers-late', () => {
      try {
        shutdown.register('too-late', () => {});
      } catch (err) {
        fromLaterStep = err;
      }
    });
    shutdown.register('first', async () => {});

    const closing = shutdown.close('test');
    assert.throws(
      () => shutdown.register('right-after-close', () => {}),
      /"right-after-close".*shutting down/,
    );
    assert.deepEqual(await closing, { failed: [], timedOut: false });

    assert.ok(fromLaterStep instanceof Error, 'register inside a close step did not throw');
    assert.match(fromLaterStep.message, /cannot register "too-late" while shutting down/);
    assert.throws(() => shutdown.register('after-close', () => {}), /"after-close"/);
  });

  it('refuses to register a step from inside the first close step', async () => {
    const shutdown = createShutdown({ logger, timeoutMs: 5_000 });
    const ran: string[] = [];
    let registerError: unknown;
    let closingSeen: boolean | undefined;
    shutdown.register('first', () => {
      closingSeen = shutdown.closing;
      try {
        shutdown.register('too-late', () => void ran.push('too-late'));
      } catch (err) {
        registerError = err;
      }
    });

    await shutdown.close('test');

    assert.equal(closingSeen, true, '`closing` is false while the first step runs');
    assert.ok(registerError instanceof Error, 'register inside the first close step did not throw');
    assert.deepEqual(ran, []);
  });

  it('returns the same promise to a close() called from inside the first step, running each step once', async () => {
    const shutdown = createShutdown({ logger, timeoutMs: 5_000 });
    const ran: string[] = [];
    let inner: Promise<unknown> | undefined;
    let reentered = false;
    shutdown.register('other', () => void ran.push('other'));
    shutdown.register('first', () => {
      ran.push('first');
      // Once only, so the defect shows as a double run instead of unbounded recursion.
      if (reentered) return;
      reentered = true;
      inner = shutdown.close('re-entered');
    });

    const outer = shutdown.close('test');
    await outer;
    await inner;

    assert.equal(inner, outer);
    assert.deepEqual(ran, ['first', 'other']);
  });
});
