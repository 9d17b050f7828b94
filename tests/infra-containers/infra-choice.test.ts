import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseInfra, type EngineCheck, type ImageCheck, type InfraRequest } from './infra-choice.js';

const engine: EngineCheck = { ok: true, detail: 'podman 4.3.1 at unix:///x.sock' };
const noEngine: EngineCheck = { ok: false, detail: 'no Docker socket' };
const images: ImageCheck[] = [
  { name: 'kafka', ok: true, detail: 'from the project tar' },
  { name: 'redis', ok: true, detail: 'in the engine' },
];
const oneMissing: ImageCheck[] = [images[0] as ImageCheck, { name: 'redis', ok: false, detail: 'not built' }];

const table: [InfraRequest, EngineCheck | undefined, ImageCheck[], boolean, string, RegExp][] = [
  ['local', undefined, [], true, 'local', /EVH_INFRA=local/],
  ['local', engine, images, true, 'local', /EVH_INFRA=local/],
  ['auto', engine, images, true, 'containers', /podman 4\.3\.1.*kafka from the project tar/],
  ['auto', noEngine, images, true, 'local', /no container engine answers: no Docker socket/],
  ['auto', undefined, images, true, 'local', /not checked/],
  ['auto', engine, oneMissing, true, 'local', /redis: not built/],
  ['containers', engine, images, true, 'containers', /podman/],
  ['containers', noEngine, images, false, 'containers', /no Docker socket/],
  ['containers', engine, oneMissing, false, 'containers', /^redis: not built$/],
];

for (const [request, eng, imgs, ok, infra, reason] of table) {
  test(`EVH_INFRA=${request}, engine ${eng?.ok ?? 'unchecked'}, ${imgs.filter((i) => i.ok).length}/${imgs.length} images → ${ok ? infra : 'refused'}`, () => {
    const choice = chooseInfra(request, eng, imgs);
    assert.equal(choice.ok, ok);
    assert.equal(choice.infra, infra);
    assert.match(choice.reason, reason);
  });
}
