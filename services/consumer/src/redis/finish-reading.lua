-- Records that a job's worker read the whole file, and completes the job when every valid
-- line is already applied (otherwise the last chunk's apply-log-chunk completes it).
-- KEYS[1] job:{id}
-- ARGV[1] now (ms)
-- ARGV[2] the job's progress channel
-- returns 'completed' or 'processing'
redis.call('HSET', KEYS[1], 'readDone', 1, 'readAt', ARGV[1])
local j = redis.call('HMGET', KEYS[1], 'valid', 'processed', 'status')
if j[3] == 'completed' or j[3] == 'failed' then
  return j[3]
end
if tonumber(j[2] or '0') >= tonumber(j[1] or '0') then
  redis.call('HSET', KEYS[1], 'status', 'completed', 'finishedAt', ARGV[1], 'percent', 100)
  redis.call('PUBLISH', ARGV[2], 'completed')
  return 'completed'
end
return 'processing'
