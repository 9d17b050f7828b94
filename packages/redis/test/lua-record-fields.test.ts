import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '@evh/testing';
import { checkLuaRecordFields, luaRecordFieldUses, redisRecords } from '../src/index.js';

/** Every workspace's Lua scripts: `<services|packages>/<name>/src/redis/*.lua`. */
function scripts(): { file: string; source: string }[] {
  return ['services', 'packages'].flatMap((top) =>
    readdirSync(join(repoRoot, top)).flatMap((name) => {
      const dir = join(repoRoot, top, name, 'src', 'redis');
      let files: string[];
      try {
        files = readdirSync(dir).filter((f) => f.endsWith('.lua'));
      } catch {
        return [];
      }
      return files.map((f) => ({
        file: `${top}/${name}/src/redis/${f}`,
        source: readFileSync(join(dir, f), 'utf8'),
      }));
    }),
  );
}

/** Keys a header describes only in words (a variadic script's per-event keys). */
const keyVariables: Record<string, Record<string, string>> = {
  'services/consumer/src/redis/apply-plain-events.lua': { ek: 'event' },
};

/**
 * The fields no script names, written by TypeScript alone through the record's typed write
 * (the ingest's job registry, the consumer's job checkpoint, the reporter's title edit).
 */
const writtenByTypeScriptOnly: Record<string, string[]> = {
  job: [
    'id',
    'fileName',
    'format',
    'projectId',
    'storageKey',
    'createdAt',
    'linesRead',
    'invalid',
    'checkpointOffset',
    'checkpointLine',
  ],
  issue: ['titleEdited'],
};

const all = scripts();
const options = (file: string) => {
  const variables = keyVariables[file];
  return variables ? { keyVariables: variables } : {};
};

describe('the Lua scripts and the records’ schemas', () => {
  it('finds the scripts of every service', () => {
    for (const service of ['consumer', 'reporter', 'ingest', 'controller']) {
      assert.ok(
        all.some((s) => s.file.startsWith(`services/${service}/`)),
        service,
      );
    }
  });

  it('every field a script names on a record key is a field of that record', () => {
    assert.deepEqual(
      all.flatMap((s) => checkLuaRecordFields(s, options(s.file))),
      [],
    );
  });

  it('every field of a record is named by a script, or is one TypeScript alone writes', () => {
    const named = new Map<string, Set<string>>();
    for (const s of all) {
      for (const use of luaRecordFieldUses(s, options(s.file))) {
        if (!('literal' in use.field)) continue;
        const set = named.get(use.record.name) ?? new Set<string>();
        set.add(use.field.literal);
        named.set(use.record.name, set);
      }
    }
    for (const record of redisRecords) {
      const unnamed = record.fields.filter((f) => !named.get(record.name)?.has(f));
      assert.deepEqual(unnamed.sort(), (writtenByTypeScriptOnly[record.name] ?? []).sort(), record.name);
    }
  });
});
