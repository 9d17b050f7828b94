// A small application that reports through the real @sentry/node SDK to the DSN it is given:
// a thrown Error, a message, an unhandled rejection, then a flush. Run as its own process by
// sentry-sdk.test.ts, so the unhandled rejection is the SDK's to catch, not the test runner's.
import * as Sentry from '@sentry/node';

const dsn = process.argv[2];
if (!dsn) throw new Error('usage: node-sdk-client.js <dsn>');

Sentry.init({ dsn, release: 'shop@1.0.0', environment: 'test', tracesSampleRate: 0 });
Sentry.setTag('plan', 'pro');

function checkout(): never {
  throw new Error('node checkout failed');
}

try {
  checkout();
} catch (err) {
  Sentry.captureException(err);
}
Sentry.captureMessage('node low stock', 'warning');
// Unhandled on purpose: the SDK's onUnhandledRejection integration reports it.
void Promise.reject(new Error('node unhandled rejection'));
await new Promise((r) => setTimeout(r, 300));
const flushed = await Sentry.flush(10_000);
process.stdout.write(`flushed=${flushed}\n`);
process.exit(flushed ? 0 : 1);
