import { stringify } from 'yaml';

/** Multi-document YAML under a header that says where it comes from; stable for drift checks. */
export function renderYaml(header: string, docs: object[]): string {
  const body = docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
  return `${header
    .split('\n')
    .map((l) => `# ${l}`.trimEnd())
    .join('\n')}\n${body}`;
}
