-- Changes an issue's status and moves it between the per-status indexes, atomically.
-- KEYS[1] crash:{p}:issue:{n}
-- KEYS[2] crash:{p}:issues:open:last
-- KEYS[3] crash:{p}:issues:open:count
-- KEYS[4] crash:{p}:issues:resolved:last
-- KEYS[5] crash:{p}:issues:resolved:count
-- KEYS[6] crash:{p}:issues:ignored:last
-- KEYS[7] crash:{p}:issues:ignored:count
-- ARGV[1] issue number
-- ARGV[2] the new status: open | resolved | ignored
-- ARGV[3] now (ms)
-- returns 0 when the issue does not exist, 1 when changed, 2 when it already had the status
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
local keys = { open = { 2, 3 }, resolved = { 4, 5 }, ignored = { 6, 7 } }
local old = redis.call('HGET', KEYS[1], 'status') or 'open'
local new = ARGV[2]
if old == new then
  return 2
end
local n = ARGV[1]
redis.call('ZREM', KEYS[keys[old][1]], n)
redis.call('ZREM', KEYS[keys[old][2]], n)
local h = redis.call('HMGET', KEYS[1], 'lastSeen', 'count')
redis.call('ZADD', KEYS[keys[new][1]], h[1], n)
redis.call('ZADD', KEYS[keys[new][2]], h[2], n)
redis.call('HSET', KEYS[1], 'status', new, 'statusChangedAt', ARGV[3])
return 1
