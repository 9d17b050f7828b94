import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '@evh/testing';

/** The module specifiers a source file imports, statically, dynamically or by require. */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1] as string);
  return found;
}

const isKafkajs = (specifier: string) => specifier === 'kafkajs' || specifier.startsWith('kafkajs/');
const isRawEntry = (specifier: string) => specifier === '@evh/kafka/kafkajs';

/**
 * Where the library itself may be named. packages/kafka is the boundary; tests/infra's
 * scripts wait for a broker before anything is built, so they cannot go through it.
 */
const mayImportKafkajs = (path: string) =>
  path.startsWith('packages/kafka/') || path.startsWith('tests/infra/');
/**
 * The raw entry is for the cross-service tests' fixtures and the kafkajs baseline benchmark.
 * A service's tests use our interfaces too, but for these, which need the library itself.
 */
const RAW_ENTRY_USERS: Record<string, string> = {
  'services/consumer/test/redelivery-crash.test.ts': 'crashes the kafkajs consumer itself, mid-redelivery',
  'services/controller/test/autoscaler.test.ts':
    "sets the group's committed offsets, as an operator's tool would",
};
const mayImportRawEntry = (path: string) =>
  path.startsWith('tests/') ||
  path.startsWith('loadtest/') ||
  path.startsWith('packages/kafka/') ||
  RAW_ENTRY_USERS[path] !== undefined;

/** A problem for each import that crosses the boundary; none for a clean file. */
function boundaryProblems(path: string, source: string): string[] {
  const problems: string[] = [];
  for (const specifier of importsOf(source)) {
    if (isKafkajs(specifier) && !mayImportKafkajs(path)) problems.push(`${path} imports ${specifier}`);
    if (isRawEntry(specifier) && !mayImportRawEntry(path)) problems.push(`${path} imports ${specifier}`);
  }
  return problems;
}

const SKIP = new Set(['node_modules', 'dist', '.run', '.git', 'coverage']);
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (SOURCE.test(entry.name)) yield path;
  }
}

describe('the Kafka boundary', () => {
  it('recognises an import that crosses it, and none that does not', () => {
    const cases: [string, string, number][] = [
      ['services/consumer/src/a.ts', "import type { Consumer } from 'kafkajs';", 1],
      ['services/consumer/src/a.ts', "const k = await import('kafkajs');", 1],
      ['services/consumer/src/a.ts', "import { x } from 'kafkajs/src/protocol/message';", 1],
      ['services/ingest/src/a.ts', "import { createKafka } from '@evh/kafka/kafkajs';", 1],
      ['packages/telemetry/src/a.ts', "const { Kafka } = require('kafkajs');", 1],
      ['services/ingest/test/a.test.ts', "import { createKafka } from '@evh/kafka/kafkajs';", 1],
      ['services/controller/test/autoscaler.test.ts', "import { createKafka } from '@evh/kafka/kafkajs';", 0],
      ['tests/pipeline/pipeline-fixture.ts', "import { createKafka } from '@evh/kafka/kafkajs';", 0],
      ['services/ingest/test/a.test.ts', "import kafkajs from 'kafkajs';", 1],
      ['loadtest/src/a.ts', "import { Partitioners } from '@evh/kafka/kafkajs';", 0],
      ['services/ingest/src/a.ts', "import { createKafkaClient } from '@evh/kafka';", 0],
      ['services/ingest/src/a.ts', '// kafkajs retries the metadata by itself', 0],
      ['packages/kafka/src/create-kafka.ts', "import { Kafka } from 'kafkajs';", 0],
    ];
    for (const [path, source, expected] of cases) {
      assert.equal(boundaryProblems(path, source).length, expected, `${path}: ${source}`);
    }
  });

  it('is not crossed: kafkajs is imported in packages/kafka only, its raw entry by fixtures and the benchmark', () => {
    const problems: string[] = [];
    let files = 0;
    for (const top of ['services', 'packages', 'loadtest', 'tests', 'scripts']) {
      let root: string;
      try {
        root = join(repoRoot, top);
        readdirSync(root);
      } catch {
        continue;
      }
      for (const file of sourceFiles(root)) {
        files++;
        const path = relative(repoRoot, file).split(sep).join('/');
        problems.push(...boundaryProblems(path, readFileSync(file, 'utf8')));
      }
    }
    assert.ok(files > 100, `only ${files} source files found under ${repoRoot}: wrong root?`);
    assert.deepEqual(problems, []);
  });
});
