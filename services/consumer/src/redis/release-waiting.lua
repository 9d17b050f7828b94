-- Looks at one user whose buffered events have waited, and releases the next one if due.
-- KEYS[1] seq:next:{userId}
-- KEYS[2] seq:buf:{userId}
-- KEYS[3] seq:waiting
-- KEYS[4] counters:events
-- ARGV[1] userId
-- ARGV[2] now (ms)
-- ARGV[3] gap timeout (ms): a missing seq waited for this long is skipped
-- ARGV[4] stall grace (ms): a buffered next seq nobody ran for this long is released
-- ARGV[5] retention (ms)
-- ARGV[6] when the user's partition was last caught up (ms), or -1 when it is behind: the
--         gap clock runs from the later of that and the start of the wait, never while behind
-- returns false when nothing is due, or
--         { 'stalled', message JSON }            the next seq is buffered but was not run
--                                                (its releaser died between two events)
--         { 'skipped', message JSON, from, to }  seqs from..to never came and are skipped
-- tostring() of a large Lua number gives 1.7e+15; seqs are integers and must stay digits.
local function int(x) return string.format('%d', x) end
local score = redis.call('ZSCORE', KEYS[3], ARGV[1])
if not score then return false end
if redis.call('HLEN', KEYS[2]) == 0 then
  redis.call('ZREM', KEYS[3], ARGV[1])
  return false
end

local now = tonumber(ARGV[2])
local waited = now - tonumber(score)
local nxt = tonumber(redis.call('GET', KEYS[1]) or '1')

local ready = redis.call('HGET', KEYS[2], int(nxt))
if ready then
  if waited < tonumber(ARGV[4]) then return false end
  redis.call('ZADD', KEYS[3], now, ARGV[1])
  return { 'stalled', ready }
end

local caught_up_since = tonumber(ARGV[6])
if caught_up_since < 0 then return false end
if now - math.max(tonumber(score), caught_up_since) < tonumber(ARGV[3]) then return false end
local lowest = nil
for _, field in ipairs(redis.call('HKEYS', KEYS[2])) do
  local s = tonumber(field)
  if s > nxt and (lowest == nil or s < lowest) then lowest = s end
end
if lowest == nil then
  -- Only seqs below next are buffered: leftovers of a skip, processed as late elsewhere.
  redis.call('ZREM', KEYS[3], ARGV[1])
  return false
end
redis.call('SET', KEYS[1], int(lowest), 'PX', ARGV[5])
redis.call('HINCRBY', KEYS[4], 'gapsSkipped', 1)
redis.call('HINCRBY', KEYS[4], 'seqsSkipped', lowest - nxt)
redis.call('ZADD', KEYS[3], now, ARGV[1])
return { 'skipped', redis.call('HGET', KEYS[2], int(lowest)), int(nxt), int(lowest - 1) }
