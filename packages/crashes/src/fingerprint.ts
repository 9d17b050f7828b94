import { createHash } from 'node:crypto';
import type { CrashBody, StackFrame } from '@evh/events';

/** Frames beyond this depth rarely tell crashes apart and often vary (recursion depth). */
const MAX_FRAMES = 12;

/**
 * Normalizes a file name so that builds and deployments do not split a group: directories,
 * content hashes in bundle names (`main.3f2a9c1b.js`), query strings and line/column
 * suffixes are dropped.
 */
export function normalizeFile(file: string): string {
  return file
    .replace(/[?#].*$/, '')
    .replace(/:\d+(:\d+)?$/, '')
    .replace(/^.*[\\/]/, '')
    .replace(/\.[0-9a-f]{6,}(?=\.)/gi, '')
    .toLowerCase();
}

/**
 * Normalizes a method name: generated parts (`lambda$12`, `$$Lambda$45/0x0000abcd`,
 * `<anonymous>#3`, numeric suffixes of closures) are replaced by a placeholder.
 */
export function normalizeMethod(method: string): string {
  return method
    .replace(/0x[0-9a-f]+/gi, '0x')
    .replace(/\$\d+/g, '$')
    .replace(/#\d+/g, '#')
    .replace(/\b\d+\b/g, 'N');
}

/**
 * Normalizes a message for grouping when there is no stack trace: numbers, ids, hex,
 * quoted values and e-mail-like tokens become placeholders, so "timeout after 1503 ms" and
 * "timeout after 2011 ms" group together.
 */
export function normalizeMessage(message: string): string {
  return message
    .toLowerCase()
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
    .replace(/\b0x[0-9a-f]+\b/g, '<hex>')
    .replace(/\b[0-9a-f]{16,}\b/g, '<hex>')
    .replace(/(["'`]).*?\1/g, '<str>')
    .replace(/\S+@\S+\.\S+/g, '<email>')
    .replace(/\d+(\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Methods that name no function: top-level code, anonymous callbacks. */
const ANONYMOUS = new Set(['?', '<anonymous>', '<unknown>', 'anonymous']);

/**
 * A frame as grouping sees it: file and method. Frames of no named function would all look
 * alike (every top-level line of a file is `?`), so they add their source line when the
 * report has it, else their line number.
 */
export function frameSignature(frame: StackFrame): string {
  const base = `${normalizeFile(frame.file)}|${normalizeMethod(frame.method)}`;
  if (!ANONYMOUS.has(frame.method)) return base;
  const where = frame.context?.trim() || frame.line;
  return where === undefined ? base : `${base}|${where}`;
}

/**
 * The frames grouping looks at: the application's own when the report marks any (library
 * and runtime frames differ between versions and deployments), else all.
 */
export function groupingFrames(stacktrace: readonly StackFrame[]): readonly StackFrame[] {
  return stacktrace.some((f) => f.inApp === true) ? stacktrace.filter((f) => f.inApp === true) : stacktrace;
}

/** The grouping key of a crash: the same fingerprint means the same issue. */
export function fingerprint(crash: Pick<CrashBody, 'stacktrace' | 'message'>): string {
  const frames = groupingFrames(crash.stacktrace);
  const basis =
    frames.length > 0
      ? `frames:${frames.slice(0, MAX_FRAMES).map(frameSignature).join('\n')}`
      : `message:${normalizeMessage(crash.message)}`;
  return createHash('sha1').update(basis).digest('hex');
}

/** An issue's title: the message's first line, and where it happened. */
export function issueTitle(crash: Pick<CrashBody, 'stacktrace' | 'message'>): {
  title: string;
  culprit: string;
} {
  const firstLine = crash.message.split('\n', 1)[0] ?? crash.message;
  const title = firstLine.length > 140 ? `${firstLine.slice(0, 139)}…` : firstLine;
  // Where the application's own code failed, when the report says which frames are its.
  const top = groupingFrames(crash.stacktrace)[0];
  return { title, culprit: top ? `${top.method} (${top.file})` : '' };
}
