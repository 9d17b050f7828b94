-- Moves a job from queued to processing (or resumes it) and returns what its worker needs.
-- KEYS[1] job:{id}
-- ARGV[1] now (ms)
-- ARGV[2] the job's progress channel
-- returns false when there is no such job, else { status, storageKey, format, checkpointOffset,
--         checkpointLine, readDone, projectId, fileName }; status is the one before this call
if redis.call('EXISTS', KEYS[1]) == 0 then
  return false
end
local j = redis.call('HMGET', KEYS[1], 'status', 'storageKey', 'format', 'checkpointOffset',
  'checkpointLine', 'readDone', 'projectId', 'fileName')
if j[1] == 'queued' then
  redis.call('HSET', KEYS[1], 'status', 'processing', 'startedAt', ARGV[1])
  redis.call('PUBLISH', ARGV[2], 'started')
end
for i = 1, 8 do j[i] = j[i] or '' end
return j
