export interface FileSighting {
  name: string;
  size: number;
  mtimeMs: number;
}

interface Tracked extends FileSighting {
  /** When the size and mtime were first seen as they are now. */
  since: number;
}

/**
 * Tells when a file has stopped being written: its size and mtime unchanged across polls
 * for at least `stableMs`. A writer that pauses longer than that is indistinguishable from
 * one that finished; writers that can should write to a hidden or `.tmp` name and rename,
 * which the watcher ignores until the rename. Pure apart from its own map: `now` is passed in.
 */
export function createSettleTracker(stableMs: number) {
  const tracked = new Map<string, Tracked>();
  return {
    /**
     * Records one poll's listing; returns the files that have settled and the names seen for
     * the first time, both in name order.
     */
    observe(listing: FileSighting[], now: number): { settled: FileSighting[]; appeared: string[] } {
      const present = new Set<string>();
      const settled: FileSighting[] = [];
      const appeared: string[] = [];
      for (const file of listing) {
        present.add(file.name);
        const before = tracked.get(file.name);
        if (!before) appeared.push(file.name);
        if (!before || before.size !== file.size || before.mtimeMs !== file.mtimeMs) {
          tracked.set(file.name, { ...file, since: now });
        } else if (now - before.since >= stableMs) {
          settled.push(file);
        }
      }
      for (const name of tracked.keys()) if (!present.has(name)) tracked.delete(name);
      const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      return { settled: settled.sort((a, b) => byName(a.name, b.name)), appeared: appeared.sort(byName) };
    },
  };
}

/** Names a writer uses while a file is incomplete; such files are never picked up. */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || /\.(tmp|part|partial|crdownload|swp)$/i.test(name) || name.endsWith('~');
}
