/** The generated manifests, relative to the repository root (see crd.test.ts). */
export const CRD_FILE = 'manifests/crds/projectquotas.eventhorizon.io.yaml';
export const RBAC_FILE = 'manifests/rbac/controller.yaml';
