import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { projectQuotaSpecSchema, QUOTA_API_VERSION, QUOTA_KIND } from '@evh/quota';
import { generatedDrift } from '@evh/testing';
import { parse } from 'yaml';
import { projectQuotaCrd } from '../src/manifests/crd.js';
import { rbacChartTemplate } from '../src/manifests/rbac-chart-template.js';
import { renderYaml } from '../src/manifests/render-yaml.js';
import { CRD_FILE, RBAC_FILE, repoRoot, SAMPLES_DIR } from './manifest-files.js';

const generatedBy = (what: string) =>
  `Generated from ${what} by services/controller/test/crd.test.ts.\nDo not edit: change the code and run \`make generate\`.`;

describe('generated manifests', () => {
  it(`${CRD_FILE} is what the ProjectQuota zod schemas generate`, () => {
    const crd = projectQuotaCrd();
    const text = JSON.stringify(crd);
    assert.equal(text.includes('$schema'), false, 'no $schema in a structural schema');
    assert.equal(text.includes('additionalProperties'), false, 'Kubernetes prunes unknown fields itself');
    const yaml = renderYaml(
      generatedBy('packages/quota/src/project-quota.ts (services/controller/src/manifests/crd.ts)'),
      [crd],
    );
    assert.equal(generatedDrift(CRD_FILE, yaml), null);
  });

  it(`${RBAC_FILE} is what the controller's permission table generates`, () => {
    const template = rbacChartTemplate(
      generatedBy('services/controller/src/manifests/rbac.ts (rbac-chart-template.ts)'),
    );
    assert.equal(generatedDrift(RBAC_FILE, template), null);
  });
});

describe('samples', () => {
  it('every ProjectQuota sample is valid for the controller', () => {
    const files = readdirSync(join(repoRoot, SAMPLES_DIR)).filter((f) => f.startsWith('projectquota-'));
    assert.ok(files.length >= 2);
    for (const file of files) {
      const doc = parse(readFileSync(join(repoRoot, SAMPLES_DIR, file), 'utf8'));
      assert.equal(doc.apiVersion, QUOTA_API_VERSION, file);
      assert.equal(doc.kind, QUOTA_KIND, file);
      const spec = projectQuotaSpecSchema.safeParse(doc.spec);
      assert.ok(spec.success, `${file}: ${spec.error?.message}`);
    }
  });
});
