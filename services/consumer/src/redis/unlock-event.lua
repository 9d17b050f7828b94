-- Releases a processing lock if this holder still has it (an abandoned event on shutdown).
-- KEYS[1] inflight:{eventId}
-- ARGV[1] lock token
-- returns 1 when released, 0 when the lock was not ours (or already gone)
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
