/** How the test run gets its Kafka, Redis and S3 store: EVH_INFRA. */
export type InfraRequest = 'local' | 'containers' | 'auto';
export type Infra = 'local' | 'containers';

/** Whether a Docker-API engine answered, and if not, why. */
export interface EngineCheck {
  ok: boolean;
  detail: string;
}

/** Whether one image can be had: in the engine, as the project's tar, or named to be pulled. */
export interface ImageCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface InfraChoice {
  infra: Infra;
  reason: string;
}

/**
 * The decision, pure: `local` always means local processes; `containers` means containers or
 * a failure naming what is missing (the caller throws); `auto` takes containers only when an
 * engine answers and every image can be had, so a machine with Docker but without the
 * project's images (no root to build them) keeps the local processes that work there.
 */
export function chooseInfra(
  request: InfraRequest,
  engine: EngineCheck | undefined,
  images: ImageCheck[],
): InfraChoice & { ok: boolean } {
  if (request === 'local') return { ok: true, infra: 'local', reason: 'EVH_INFRA=local' };
  const missing = images.filter((i) => !i.ok);
  let problem: string | undefined;
  if (!engine?.ok) problem = `no container engine answers: ${engine?.detail ?? 'not checked'}`;
  else if (missing.length > 0) problem = missing.map((i) => `${i.name}: ${i.detail}`).join('; ');
  if (problem === undefined) {
    const how = images.map((i) => `${i.name} ${i.detail}`).join(', ');
    return { ok: true, infra: 'containers', reason: `${engine?.detail}; ${how}` };
  }
  if (request === 'containers') return { ok: false, infra: 'containers', reason: problem };
  return { ok: true, infra: 'local', reason: `local processes (EVH_INFRA=auto): ${problem}` };
}
