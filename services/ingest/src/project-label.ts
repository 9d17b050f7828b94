/**
 * A bounded `project` label: the first `max` distinct projects seen keep their id, every
 * later one is `other`, so a platform with thousands of projects cannot grow a series per
 * project and verdict without bound. 0 turns per-project labels off (every project `all`).
 * The set is per process and never shrinks: a restart starts it again.
 */
export function createProjectLabel(max: number): (projectId: string) => string {
  const labelled = new Set<string>();
  return (projectId) => {
    if (max <= 0) return 'all';
    if (labelled.has(projectId)) return projectId;
    if (labelled.size >= max) return 'other';
    labelled.add(projectId);
    return projectId;
  };
}
