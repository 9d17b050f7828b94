import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatedDrift } from '@evh/testing';
import { projectQuotaCrd } from '../src/manifests/crd.js';
import { controllerRbac } from '../src/manifests/rbac.js';
import { renderYaml } from '../src/manifests/render-yaml.js';
import { CRD_FILE, RBAC_FILE } from './manifest-files.js';

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
    const yaml = renderYaml(generatedBy('services/controller/src/manifests/rbac.ts'), controllerRbac());
    assert.equal(generatedDrift(RBAC_FILE, yaml), null);
  });
});
