import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { repoRoot } from './repo-root.js';

/**
 * Compares a generated artefact (an OpenAPI document, a CRD) with its committed copy and
 * returns the difference, or writes it when UPDATE_GENERATED=1 (`make generate`). A test
 * asserts the result is null, so a schema change without regenerating fails CI.
 */
export function generatedDrift(relativePath: string, content: string): string | null {
  const file = resolve(repoRoot, relativePath);
  if (process.env.UPDATE_GENERATED === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    return null;
  }
  if (!existsSync(file)) return `${relativePath} is missing: run make generate`;
  const committed = readFileSync(file, 'utf8');
  if (committed === content) return null;
  const a = committed.split('\n');
  const b = content.split('\n');
  const line = a.findIndex((l, i) => l !== b[i]);
  return `${relativePath} differs from what the code generates (first at line ${line + 1}: committed ${JSON.stringify(a[line])}, generated ${JSON.stringify(b[line])}): run make generate`;
}
