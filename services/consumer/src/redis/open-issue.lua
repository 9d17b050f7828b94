-- The issue number of a crash fingerprint, numbering new fingerprints 1, 2, 3 … per project
-- without gaps or duplicates, however many consumers race.
-- KEYS[1] crash:{projectId}:fingerprints
-- KEYS[2] crash:{projectId}:issue-seq
-- ARGV[1] fingerprint
-- returns the issue number
local n = redis.call('HGET', KEYS[1], ARGV[1])
if n then
  return tonumber(n)
end
n = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], ARGV[1], n)
return n
