-- Extends every processing lock this process still holds, in one call per renewal tick,
-- and names those it no longer holds (expired, or taken by another consumer meanwhile).
-- KEYS: variable
-- KEYS[1…n] inflight:{eventId} of each event this process is running
-- ARGV[1]   lock token (unique per consumer process)
-- ARGV[2]   lock expiry (ms) from now
-- returns   the 1-based indexes of the KEYS whose lock is not ours any more
local lost = {}
for i, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
  else
    lost[#lost + 1] = i
  end
end
return lost
