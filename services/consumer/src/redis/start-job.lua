-- Moves a job from queued to processing (or resumes it) and returns what its worker needs.
-- The chunk bounds are the job's from its first start on: a chunk read again after a restart
-- must end where it ended before, since its id (the job and its first line) says it is the same.
-- KEYS[1] job:{id}
-- ARGV[1] now (ms)
-- ARGV[2] the job's progress channel
-- ARGV[3] chunk lines: the most lines a chunk holds, for a job that has no bounds yet
-- ARGV[4] chunk bytes: the most bytes a chunk holds, likewise
-- returns false when there is no such job, else the job's hash as HGETALL gives it (after its
--         chunk bounds are set, before its status changes): the worker reads it through the
--         job record's schema, so this script does not pick its fields
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
redis.call('HSETNX', KEYS[1], 'chunkLines', ARGV[3])
redis.call('HSETNX', KEYS[1], 'chunkBytes', ARGV[4])
local job = redis.call('HGETALL', KEYS[1])
if redis.call('HGET', KEYS[1], 'status') == 'queued' then
  redis.call('HSET', KEYS[1], 'status', 'processing', 'startedAt', ARGV[1])
  redis.call('PUBLISH', ARGV[2], 'started')
end
return job
