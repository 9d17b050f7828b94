import type { CounterDefinition } from './counter-definition.js';

const MISSING = Symbol('missing');

/**
 * Reads a dot-separated path through own properties only: a path can never reach a
 * prototype (`__proto__`, `constructor`) or an inherited property.
 */
export function readPath(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const segment of path.split('.')) {
    if (segment === '__proto__' || segment === 'prototype' || segment === 'constructor') return MISSING;
    if (current === null || typeof current !== 'object') return MISSING;
    if (!Object.hasOwn(current, segment)) return MISSING;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Whether a crash (as a plain object) matches a counter's definition. A crash without the
 * field matches no operator but `exists: false`: `level ne "free"` counts crashes that have
 * a level other than free, not every crash without one.
 */
export function matchesCounter(crash: unknown, def: CounterDefinition): boolean {
  const actual = readPath(crash, def.path);
  if (def.op === 'exists') return (actual !== MISSING && actual !== undefined) === def.value;
  if (actual === MISSING) return false;
  switch (def.op) {
    case 'eq':
      return actual === def.value;
    case 'ne':
      return actual !== def.value;
    case 'gt':
      return typeof actual === 'number' && actual > def.value;
    case 'gte':
      return typeof actual === 'number' && actual >= def.value;
    case 'lt':
      return typeof actual === 'number' && actual < def.value;
    case 'lte':
      return typeof actual === 'number' && actual <= def.value;
    case 'in':
      return def.value.some((v) => v === actual);
    case 'contains':
      if (typeof actual === 'string') return actual.includes(String(def.value));
      if (Array.isArray(actual)) return actual.some((v) => v === def.value);
      return false;
  }
}
