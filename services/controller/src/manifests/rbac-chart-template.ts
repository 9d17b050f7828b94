import { controllerRbac, type RbacNames } from './rbac.js';
import { renderYaml } from './render-yaml.js';

/** The chart's file that this renders, inside the chart (helm reads templates/ only there). */
export const RBAC_CHART_TEMPLATE = 'templates/controller-rbac.yaml';

// The release's names, as the chart's other templates make them (evh.name, in _helpers.tpl).
const preamble = `{{- $name := printf "%s-controller" (include "evh.name" .) }}
{{- $consumer := printf "%s-consumer" (include "evh.name" .) }}
`;

const chartNames: RbacNames = {
  namespace: '{{ .Release.Namespace }}',
  serviceAccount: '{{ $name }}',
  leaseName: '{{ $name }}',
  consumerDeployment: '{{ $consumer }}',
};

// Stands for the chart's labels in the objects; YAML cannot hold the include, so it is put in
// afterwards, at the indentation of a top-level object's metadata.labels.
const LABELS = '__EVH_CHART_LABELS__';
const labelsInclude = 'labels: {{- include "evh.labels" . | nindent 4 }}';

/**
 * The controller's ServiceAccount, Role and RoleBinding as a template of the chart: the objects
 * of controllerRbac with the release's names and the chart's labels. The chart has no copy of
 * the permissions written by hand, so the two cannot disagree (ADR 0021).
 */
export function rbacChartTemplate(header: string): string {
  const yaml = renderYaml(header, controllerRbac(chartNames, { [LABELS]: LABELS }), preamble);
  return yaml.replaceAll(`labels:\n    ${LABELS}: ${LABELS}`, labelsInclude);
}
