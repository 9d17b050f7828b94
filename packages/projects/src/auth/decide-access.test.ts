import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Credential } from '../project-schemas.js';
import type { AuthPolicy, Principal } from './auth-policy.js';
import { decideAccess, type ProjectParams } from './decide-access.js';

const cred = (kind: 'ingest' | 'read', projectId = 'a', number = 1): Principal => ({
  kind: 'project',
  credential: { projectId, number, keyId: 'key_1', kind, expiresAt: 0 } satisfies Credential,
});
const admin: Principal = { kind: 'admin' };

// [policy, principal, params, expected: 'ok' or the error code]
const table: [AuthPolicy, Principal, ProjectParams, string][] = [
  ['open', { kind: 'anonymous' }, {}, 'ok'],
  ['admin', admin, {}, 'ok'],
  ['admin', cred('read'), {}, 'AUTH_FORBIDDEN'],
  ['admin', cred('ingest'), {}, 'AUTH_FORBIDDEN'],
  ['read', admin, { projectId: 'b' }, 'ok'],
  ['read', cred('read'), { projectId: 'a' }, 'ok'],
  ['read', cred('read'), {}, 'ok'],
  ['read', cred('read'), { projectId: 'b' }, 'AUTH_FORBIDDEN'],
  ['read', cred('ingest'), { projectId: 'a' }, 'AUTH_FORBIDDEN'],
  ['ingest', cred('ingest'), {}, 'ok'],
  ['ingest', cred('ingest'), { project: '1' }, 'ok'],
  ['ingest', cred('ingest'), { project: 'a' }, 'ok'],
  ['ingest', cred('ingest'), { project: '2' }, 'AUTH_FORBIDDEN'],
  ['ingest', cred('ingest'), { projectId: 'b' }, 'AUTH_FORBIDDEN'],
  ['ingest', cred('read'), {}, 'AUTH_FORBIDDEN'],
  ['ingest', admin, {}, 'AUTH_FORBIDDEN'],
  ['events', cred('ingest'), {}, 'ok'],
  ['events', cred('read'), {}, 'AUTH_FORBIDDEN'],
  ['ingest', { kind: 'anonymous' }, {}, 'AUTH_REQUIRED'],
  ['admin', { kind: 'unchecked' }, {}, 'ok'],
  ['ingest', { kind: 'unchecked' }, { project: '9' }, 'ok'],
];

test('decideAccess: every policy against every kind of principal', () => {
  for (const [policy, principal, params, expected] of table) {
    let got = 'ok';
    try {
      decideAccess(policy, principal, params);
    } catch (err) {
      got = (err as { code: string }).code;
    }
    assert.equal(got, expected, `${policy} ${JSON.stringify(principal)} ${JSON.stringify(params)}`);
  }
});
