import { findRepoRoot } from '@evh/paths';

/** The repository's root (where the package.json declaring the workspaces is). */
export const repoRoot = findRepoRoot(import.meta.url);
