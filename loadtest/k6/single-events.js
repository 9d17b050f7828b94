// k6 scenario: single events posted concurrently to the ingest (POST /events), each user
// well under its rate limit. Run by loadtest/src/k6-bench.ts with INGEST_URL pointing at a
// local ingest; traffic goes to 127.0.0.1 only.

import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';

const users = Number(__ENV.USERS || 5000);

export const options = {
  scenarios: {
    single: {
      executor: 'shared-iterations',
      vus: Number(__ENV.VUS || 50),
      iterations: Number(__ENV.REQUESTS || 10000),
      maxDuration: '2m',
    },
  },
  summaryTrendStats: ['med', 'p(99)', 'max'],
  thresholds: { checks: ['rate>0.99'] },
};

export default function () {
  // Unique across all virtual users: consecutive requests go to different users.
  const i = exec.scenario.iterationInTest;
  const res = http.post(
    `${__ENV.INGEST_URL}/events`,
    JSON.stringify({ userId: `k6-user-${i % users}`, type: 'k6', payload: { n: i } }),
    { headers: { 'content-type': 'application/json' } },
  );
  check(res, { accepted: (r) => r.status === 202 });
}
