import type { FileFormat } from '@evh/events';

/** File name endings we accept and the line format each means. */
const FORMATS: Record<string, FileFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.log': 'payment-log',
  '.txt': 'payment-log',
};

/** Content types a browser or curl may send for those files; anything else is refused. */
const TEXT_TYPES = new Set([
  'application/x-ndjson',
  'application/jsonl',
  'application/json',
  'application/octet-stream',
  'text/plain',
  'text/x-log',
  '',
]);

export function formatOf(fileName: string, contentType: string): FileFormat | null {
  const dot = fileName.lastIndexOf('.');
  const format = dot >= 0 ? FORMATS[fileName.slice(dot).toLowerCase()] : undefined;
  if (!format) return null;
  return TEXT_TYPES.has(contentType.split(';')[0]?.trim().toLowerCase() ?? '') ? format : null;
}

/** A file name as stored in the job record: no path, printable, bounded. */
export function cleanFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? 'upload';
  return base.replace(/[^\w.\- ]+/g, '_').slice(0, 200) || 'upload';
}
