import { crashRecord } from './crash-record.js';
import { deadLetterRecord } from './dead-letter-record.js';
import type { AnyRedisRecord } from './define-record.js';
import { eventRecord } from './event-record.js';
import { issueRecord } from './issue-record.js';
import { jobRecord } from './job-record.js';
import { projectRecord } from './project-record.js';

/** Every stored record with a schema: what the Lua field check compares scripts against. */
export const redisRecords: readonly AnyRedisRecord[] = [
  jobRecord,
  issueRecord,
  crashRecord,
  eventRecord,
  deadLetterRecord,
  projectRecord,
];
