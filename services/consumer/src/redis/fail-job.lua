-- Fails a job that has not finished, with the reason: its code and its message, in fields of
-- their own (the reporter shows them as `CODE: message`).
-- KEYS[1] job:{id}
-- ARGV[1] the error code
-- ARGV[2] the error message
-- ARGV[3] now (ms)
-- ARGV[4] the job's progress channel
-- returns 1 when failed now, 0 when the job had already ended
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'completed' or status == 'failed' then
  return 0
end
redis.call('HSET', KEYS[1], 'status', 'failed', 'errorCode', ARGV[1], 'error', ARGV[2],
  'finishedAt', ARGV[3])
redis.call('PUBLISH', ARGV[4], 'failed')
return 1
