-- Decides what happens to an event that just arrived, and takes its processing lock.
-- KEYS[1] dedup:{eventId}
-- KEYS[2] inflight:{eventId}
-- KEYS[3] seq:next:{userId}
-- KEYS[4] seq:buf:{userId}
-- KEYS[5] seq:waiting
-- ARGV[1] lock token (unique per consumer process)
-- ARGV[2] lock expiry (ms)
-- ARGV[3] the event's seq, or '' when it has none
-- ARGV[4] the message JSON, kept in the buffer when the event is early ('' without a seq)
-- ARGV[5] now (ms)
-- ARGV[6] userId (the member of seq:waiting)
-- ARGV[7] retention of the seq keys (ms)
-- returns 'dup'      already finalized: nothing to do
--         'busy'     another holder has the lock: try again later
--         'buffered' seq is ahead of the user's next: kept until its turn (no lock taken)
--         'run'      lock taken, process now
--         'late'     lock taken; its turn was skipped as a gap: process, but outside the order
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 'dup'
end

local verdict = 'run'
if ARGV[3] ~= '' then
  local seq = tonumber(ARGV[3])
  local nxt = tonumber(redis.call('GET', KEYS[3]) or '1')
  if seq > nxt then
    redis.call('HSET', KEYS[4], ARGV[3], ARGV[4])
    redis.call('PEXPIRE', KEYS[4], ARGV[7])
    -- NX: the wait began with the first early event, not the latest one.
    redis.call('ZADD', KEYS[5], 'NX', ARGV[5], ARGV[6])
    return 'buffered'
  elseif seq < nxt then
    verdict = 'late'
  end
end

if not redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return 'busy'
end
return verdict
