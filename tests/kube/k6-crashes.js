// k6 in a pod of the cluster (tests/kube/autoscale.kube-test.ts): crash reports at a constant
// rate to the ingest Service, by its DNS name, spread over 20 projects and 500 stack traces.
import http from 'k6/http';
import { Counter } from 'k6/metrics';

const accepted = new Counter('crashes_accepted');
const target = __ENV.INGEST_URL;
const prefix = __ENV.PROJECT_PREFIX;
// One ingest key per project, in the projects' order (authentication is on, as by default).
const keys = __ENV.INGEST_KEYS.split(',');

export const options = {
  scenarios: {
    flood: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE),
      timeUnit: '1s',
      duration: __ENV.DURATION,
      preAllocatedVUs: 40,
      maxVUs: 120,
    },
  },
  summaryTrendStats: ['p(50)', 'p(99)'],
};

export default function () {
  const i = __ITER;
  const body = JSON.stringify({
    projectId: `${prefix}-${i % keys.length}`,
    severity: 'error',
    message: `lag builder ${i % 500}`,
    stacktrace: [{ file: 'Load.java', method: `m${i % 500}`, line: 1 }],
    metadata: { iteration: i },
  });
  const res = http.post(`${target}/v1/crashes`, body, {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${keys[i % keys.length]}` },
  });
  if (res.status === 202) accepted.add(1);
}

export function handleSummary(data) {
  return {
    stdout: `ACCEPTED ${data.metrics.crashes_accepted ? data.metrics.crashes_accepted.values.count : 0}\n`,
  };
}
