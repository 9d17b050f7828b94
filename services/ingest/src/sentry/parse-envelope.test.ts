import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodeBody } from './decode-body.js';
import { parseEnvelope } from './parse-envelope.js';

test('parseEnvelope: items with and without length, empty lines, binary payloads', () => {
  const bin = Buffer.from([0x00, 0x0a, 0xff]);
  const body = Buffer.concat([
    Buffer.from('{"event_id":"e1"}\n{"type":"event"}\n{"message":"hi"}\n\n'),
    Buffer.from(`{"type":"attachment","length":${bin.length}}\n`),
    bin,
    Buffer.from('\n{"type":"session"}\n{"sid":"s"}'),
  ]);
  const env = parseEnvelope(body);
  assert.deepEqual(env.header, { event_id: 'e1' });
  assert.deepEqual(
    env.items.map((i) => i.type),
    ['event', 'attachment', 'session'],
  );
  assert.deepEqual(env.items[1]?.payload, bin);
  assert.equal(env.items[2]?.payload.toString(), '{"sid":"s"}');
});

test('parseEnvelope: what is wrong is named', () => {
  const bad: [string, RegExp][] = [
    ['not json', /envelope header is not JSON/],
    ['{}\n{"type":""}\n{}', /has no type/],
    ['{}\n{"type":"event","length":99}\n{}', /ends before/],
    ['{}\n[1]\n', /item 1's header is not a JSON object/],
  ];
  for (const [text, reason] of bad) {
    assert.throws(
      () => parseEnvelope(Buffer.from(text)),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'SENTRY_BAD_ENVELOPE');
        assert.match(err.message, reason);
        return true;
      },
    );
  }
});

test('decodeBody: gzip within the limit; over it a 413; unknown encodings a 415; corrupt a 400', async () => {
  const text = Buffer.from('x'.repeat(10_000));
  assert.deepEqual(await decodeBody(gzipSync(text), 'gzip', 20_000), text);
  await assert.rejects(decodeBody(gzipSync(text), 'gzip', 1000), { code: 'DECODED_TOO_LARGE' });
  await assert.rejects(decodeBody(text, 'zstd', 1000), { code: 'ENCODING_UNSUPPORTED' });
  await assert.rejects(decodeBody(text, 'gzip', 1000), { code: 'ENCODING_INVALID' });
});
