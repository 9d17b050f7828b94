-- Applies one valid log line of an upload job, once: the job's and the project's analytics
-- and the job's progress; completes the job when this was its last line to finish.
-- KEYS: variable
-- KEYS[1]  job:{id}:applied:{line}   (the marker that makes this idempotent)
-- KEYS[2]  job:{id}                  (the job hash)
-- KEYS[3]  logs:{job:id}:statuses
-- KEYS[4]  logs:{job:id}:services
-- KEYS[5]  logs:{job:id}:users
-- KEYS[6]  logs:{job:id}:hours
-- KEYS[7…10] the same four for the project, when the job has one
-- ARGV[1]  status
-- ARGV[2]  service ('' when missing)
-- ARGV[3]  user ('' when missing)
-- ARGV[4]  hour of day 0-23, or -1 when the timestamp gave none
-- ARGV[5]  now (ms)
-- ARGV[6]  retention (ms) of the marker and the job's analytics
-- ARGV[7]  the job's progress channel (published at each 10 % and at completion)
-- returns  1 when applied now, 0 when applied before
if not redis.call('SET', KEYS[1], 1, 'NX', 'PX', ARGV[6]) then
  return 0
end

local function count(first)
  redis.call('HINCRBY', KEYS[first], ARGV[1], 1)
  if ARGV[2] ~= '' then redis.call('ZINCRBY', KEYS[first + 1], -1, ARGV[2]) end
  if ARGV[3] ~= '' then redis.call('ZINCRBY', KEYS[first + 2], -1, ARGV[3]) end
  if ARGV[4] ~= '-1' then redis.call('HINCRBY', KEYS[first + 3], ARGV[4], 1) end
end
count(3)
for i = 3, 6 do redis.call('PEXPIRE', KEYS[i], ARGV[6]) end
if #KEYS >= 10 then count(7) end

local processed = redis.call('HINCRBY', KEYS[2], 'processed', 1)
local j = redis.call('HMGET', KEYS[2], 'valid', 'readDone', 'size', 'bytesRead', 'percent', 'status')
local valid, read_done = tonumber(j[1] or '0'), j[2] == '1'
local size, bytes_read = tonumber(j[3] or '1'), tonumber(j[4] or '0')
local old = tonumber(j[5] or '0')

if read_done and processed >= valid and j[6] ~= 'completed' and j[6] ~= 'failed' then
  redis.call('HSET', KEYS[2], 'status', 'completed', 'finishedAt', ARGV[5], 'percent', 100)
  redis.call('PUBLISH', ARGV[7], 'completed')
  return 1
end

-- Lines read so far stand for bytes_read / size of the file; finished lines of those lines
-- stand for the rest. Kept below 100 until completion and never allowed to go down.
local estimate = valid
if not read_done and bytes_read > 0 then estimate = valid * size / bytes_read end
local percent = 0
if estimate > 0 then percent = math.floor(99 * math.min(1, processed / estimate)) end
if percent > old then
  redis.call('HSET', KEYS[2], 'percent', percent)
  if math.floor(percent / 10) > math.floor(old / 10) then
    redis.call('PUBLISH', ARGV[7], 'progress')
  end
end
return 1
