-- Applies one chunk of an upload job's valid lines, once: merges the chunk's counts into the
-- job's and the project's analytics, advances the job's progress by the chunk's lines, and
-- completes the job when this was its last chunk to finish.
-- KEYS: variable
-- KEYS[1]  job:{id}:chunk:{firstLine}  (the marker that makes this idempotent)
-- KEYS[2]  job:{id}                    (the job hash)
-- KEYS[3]  logs:{job:id}:statuses
-- KEYS[4]  logs:{job:id}:services
-- KEYS[5]  logs:{job:id}:users
-- KEYS[6]  logs:{job:id}:hours
-- KEYS[7…10] the same four for the project, when the job has one
-- ARGV[1]  now (ms)
-- ARGV[2]  retention (ms) of the marker and the job's analytics
-- ARGV[3]  the job's progress channel (published at each 10 % and at completion)
-- ARGV[4]  lines: the chunk's valid lines
-- ARGV[5]  number of status pairs
-- ARGV[6]  number of service pairs
-- ARGV[7]  number of user pairs
-- ARGV[8]  number of hour pairs
-- ARGV[9…] the pairs, name then count: statuses, services, users, hours (0-23)
-- returns  2 when applied now and it completed the job, 1 when applied now, 0 when applied before
if not redis.call('SET', KEYS[1], 1, 'NX', 'PX', ARGV[2]) then
  return 0
end

local ns, nv, nu, nh = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local statuses = 9
local services = statuses + 2 * ns
local users = services + 2 * nv
local hours = users + 2 * nu

local function merge(first)
  for i = statuses, services - 1, 2 do redis.call('HINCRBY', KEYS[first], ARGV[i], ARGV[i + 1]) end
  -- Negated counts: ZRANGE lists the largest first, ties by name.
  for i = services, users - 1, 2 do redis.call('ZINCRBY', KEYS[first + 1], -ARGV[i + 1], ARGV[i]) end
  for i = users, hours - 1, 2 do redis.call('ZINCRBY', KEYS[first + 2], -ARGV[i + 1], ARGV[i]) end
  for i = hours, hours + 2 * nh - 1, 2 do redis.call('HINCRBY', KEYS[first + 3], ARGV[i], ARGV[i + 1]) end
end
merge(3)
for i = 3, 6 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
if #KEYS >= 10 then merge(7) end

local processed = redis.call('HINCRBY', KEYS[2], 'processed', ARGV[4])
local j = redis.call('HMGET', KEYS[2], 'valid', 'readDone', 'size', 'bytesRead', 'percent', 'status')
local valid, read_done = tonumber(j[1] or '0'), j[2] == '1'
local size, bytes_read = tonumber(j[3] or '1'), tonumber(j[4] or '0')
local old = tonumber(j[5] or '0')

if read_done and processed >= valid and j[6] ~= 'completed' and j[6] ~= 'failed' then
  redis.call('HSET', KEYS[2], 'status', 'completed', 'finishedAt', ARGV[1], 'percent', 100)
  redis.call('PUBLISH', ARGV[3], 'completed')
  return 2
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
    redis.call('PUBLISH', ARGV[3], 'progress')
  end
end
return 1
