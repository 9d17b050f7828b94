import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from services/controller/dist/test. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** The generated manifests, relative to the repository root (see crd.test.ts). */
export const CRD_FILE = 'manifests/crds/projectquotas.eventhorizon.io.yaml';
export const RBAC_FILE = 'manifests/rbac/controller.yaml';
export const SAMPLES_DIR = 'manifests/samples';
