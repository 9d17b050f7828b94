-- Fails a job that has not finished, with the reason.
-- KEYS[1] job:{id}
-- ARGV[1] the error text
-- ARGV[2] now (ms)
-- ARGV[3] the job's progress channel
-- returns 1 when failed now, 0 when the job had already ended
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'completed' or status == 'failed' then
  return 0
end
redis.call('HSET', KEYS[1], 'status', 'failed', 'error', ARGV[1], 'finishedAt', ARGV[2])
redis.call('PUBLISH', ARGV[3], 'failed')
return 1
