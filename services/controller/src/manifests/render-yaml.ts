import { stringify } from 'yaml';

/**
 * Multi-document YAML under a header that says where it comes from; stable for drift checks.
 * `preamble` goes between the two (a chart template's variables).
 */
export function renderYaml(header: string, docs: object[], preamble = ''): string {
  const body = docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
  return `${header
    .split('\n')
    .map((l) => `# ${l}`.trimEnd())
    .join('\n')}\n${preamble}${body}`;
}
