import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw } from 'node:zlib';
import { ingestErrors } from '../errors.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);
const inflateRawAsync = promisify(inflateRaw);
const brotliAsync = promisify(brotliDecompress);

function tooLarge(err: unknown): boolean {
  return (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError;
}

async function inflateEither(body: Buffer, maxOutputLength: number): Promise<Buffer> {
  try {
    return await inflateAsync(body, { maxOutputLength });
  } catch (err) {
    if (tooLarge(err)) throw err;
    // Some clients send a raw deflate stream under `deflate` (no zlib header).
    return inflateRawAsync(body, { maxOutputLength });
  }
}

/**
 * The body as sent before its Content-Encoding (gzip, deflate, br or none), at most
 * `maxBytes` once decoded: the bound is given to zlib, so a small bomb stops at the limit
 * instead of filling memory.
 */
export async function decodeBody(
  body: Buffer,
  encoding: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const e = (encoding ?? 'identity').trim().toLowerCase();
  if (e === '' || e === 'identity') return body;
  const decode: Record<string, () => Promise<Buffer>> = {
    gzip: () => gunzipAsync(body, { maxOutputLength: maxBytes }),
    'x-gzip': () => gunzipAsync(body, { maxOutputLength: maxBytes }),
    deflate: () => inflateEither(body, maxBytes),
    br: () => brotliAsync(body, { maxOutputLength: maxBytes }),
  };
  const run = decode[e];
  if (!run)
    throw ingestErrors.ENCODING_UNSUPPORTED(
      `Content-Encoding ${e} is not supported: send gzip, deflate, br or none`,
    );
  try {
    return await run();
  } catch (err) {
    if (tooLarge(err))
      throw ingestErrors.DECODED_TOO_LARGE(`the body is over ${maxBytes} bytes once decompressed`);
    throw ingestErrors.ENCODING_INVALID(`the body is not valid ${e}: ${(err as Error).message}`);
  }
}
