/**
 * Reads one sample of a Prometheus counter or gauge from a /metrics text: the first series
 * of `name`, or the first whose labels contain `labels`; 0 when there is none.
 */
export function metricValue(text: string, name: string, labels = ''): number {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
    ?.trim();
  if (!labels) return line ? Number(line.split(' ').at(-1)) : 0;
  const match = text.split('\n').find((l) => l.startsWith(name) && l.includes(labels));
  return match ? Number(match.split(' ').at(-1)) : 0;
}
