import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, from this package's compiled location (packages/testing/dist/src). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
