import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/**
 * docs/benchmarks.md holds one section per benchmark between markers, so each benchmark
 * rewrites its own figures and leaves the others' alone.
 */
export function writeSection(file: string, id: string, body: string): void {
  const start = `<!-- bench:${id}:start -->`;
  const end = `<!-- bench:${id}:end -->`;
  const header =
    '# Benchmarks\n\nWritten by `make bench`; each section is replaced by its own run. ' +
    'Kafka, Redis and the services share the one machine described in each section.\n';
  const current = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const block = `${start}\n${body.trim()}\n${end}`;
  const re = new RegExp(`${start}[\\s\\S]*?${end}`);
  writeFileSync(file, re.test(current) ? current.replace(re, block) : `${current.trimEnd()}\n\n${block}\n`);
}

export function machineLine(): string {
  const cpu = cpus();
  return `${cpu.length} cores (${cpu[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}
