-- Deletes a custom counter and its count.
-- KEYS[1] crash:{p}:counters
-- KEYS[2] crash:{p}:custom
-- ARGV[1] counter name
-- returns 1 when deleted, 0 when there was no such counter
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
return removed
