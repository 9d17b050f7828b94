import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderProgress } from './progress-bar.js';

const none = { percent: 0, lines_read: 0, valid: 0, invalid: 0, processed: 0, bytes_read: 0 };

describe('renderProgress', () => {
  it('draws the bar from the percent and shows the counts', () => {
    const cases: [Parameters<typeof renderProgress>[0], string][] = [
      [
        { job_id: 'j', status: 'queued', progress: none, error: null },
        '[----------]   0% queued     lines 0  valid 0  invalid 0  processed 0  0.0 MB',
      ],
      [
        {
          job_id: 'j',
          status: 'processing',
          progress: {
            percent: 45.6,
            lines_read: 12000,
            valid: 11900,
            invalid: 100,
            processed: 11000,
            bytes_read: 2_500_000,
          },
          error: null,
        },
        '[#####-----]  45% processing lines 12,000  valid 11,900  invalid 100  processed 11,000  2.5 MB',
      ],
      [
        { job_id: 'j', status: 'completed', progress: { ...none, percent: 99 }, error: null },
        '[##########] 100% completed  lines 0  valid 0  invalid 0  processed 0  0.0 MB',
      ],
      [
        { job_id: 'j', status: 'failed', progress: { ...none, percent: 130 }, error: 'x' },
        '[##########] 100% failed     lines 0  valid 0  invalid 0  processed 0  0.0 MB',
      ],
    ];
    for (const [status, expected] of cases) assert.equal(renderProgress(status, 10), expected, status.status);
  });
});
