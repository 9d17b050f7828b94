// k6 scenario: one project flooding the ingest with crash reports at a constant rate
// (RATE per second for SECONDS), to 127.0.0.1 only. Used by loadtest/src/fairness-bench.ts.

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
  summaryTrendStats: ['med', 'p(99)'],
};

export default function () {
  const i = exec.scenario.iterationInTest;
  const res = http.post(
    `${__ENV.INGEST_URL}/v1/crashes`,
    JSON.stringify({
      projectId: __ENV.PROJECT,
      severity: 'error',
      message: `Checkout failed for cart ${i}`,
      stacktrace: [{ file: 'checkout.ts', method: 'pay', line: i % 100 }],
    }),
    // 429 is the expected answer to most of the flood, not a failure of the scenario.
    { headers: { 'content-type': 'application/json' }, responseCallback: http.expectedStatuses(202, 429) },
  );
  // Counted, not asserted: the passes are A's accepted crashes.
  check(res, { accepted: (r) => r.status === 202 });
}
