// k6 scenario: one project flooding the ingest with crash reports at a constant rate
// (RATE per second for SECONDS), to 127.0.0.1 only. Used by loadtest/src/fairness-bench.ts,
// which points TARGET_URL at the ingest, or at a bare server answering 429 (its control).

import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';

export const options = {
  scenarios: {
    flood: {
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.RATE || 2000),
      timeUnit: '1s',
      duration: `${__ENV.SECONDS || 10}s`,
      preAllocatedVUs: 50,
      maxVUs: 200,
    },
  },
  // Only the status is read; the bodies are the ingest's 202s and 429s.
  discardResponseBodies: true,
  summaryTrendStats: ['med', 'p(99)'],
};

// A hundred distinct reports (one per stack line, so A's accepted crashes open 100 issues),
// serialized once per VU instead of once per request.
const bodies = Array.from({ length: 100 }, (_, line) =>
  JSON.stringify({
    projectId: __ENV.PROJECT,
    severity: 'error',
    message: `Checkout failed at line ${line}`,
    stacktrace: [{ file: 'checkout.ts', method: 'pay', line }],
  }),
);
const params = {
  headers: { 'content-type': 'application/json' },
  // 429 is the expected answer to most of the flood, not a failure of the scenario.
  responseCallback: http.expectedStatuses(202, 429),
};

export default function () {
  const i = exec.scenario.iterationInTest;
  const res = http.post(`${__ENV.TARGET_URL}/v1/crashes`, bodies[i % 100], params);
  // Counted, not asserted: the passes are A's accepted crashes.
  check(res, { accepted: (r) => r.status === 202 });
}
