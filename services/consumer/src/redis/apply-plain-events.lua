-- Applies a run of one user's plain events at once, in their offset order: for each, the
-- decision of begin-event.lua and the final state of finalize-event.lua in one step. A plain
-- event has no business logic outside Redis, so this script is its whole processing and,
-- being atomic, needs no processing lock; it still respects the lock of a process running
-- the same event through the locking path.
-- KEYS: variable
-- KEYS[1] order:{userId}
-- KEYS[2] seq:next:{userId}
-- KEYS[3] seq:buf:{userId}
-- KEYS[4] seq:waiting
-- KEYS[5] counters:events
-- KEYS[6…] per event, three keys: event:{eventId}, dedup:{eventId}, inflight:{eventId}
-- ARGV[1] now (ms)
-- ARGV[2] retention (ms) of every key written here
-- ARGV[3] userId (the member of seq:waiting)
-- ARGV[4…] per event, four values: eventId, type, seq or '', the message JSON (kept in the
--          buffer when the event is early)
-- returns { verdicts, following }: verdicts has one letter per event, in order:
--         'p' processed in its turn (or without seq), 'l' processed outside the order (its
--         turn was skipped as a gap), 'd' a duplicate (finalized before), 'b' buffered until
--         its turn, 'x' locked by another process: it and every later event of the run were
--         left alone, to go through the locking path in order;
--         following: the buffered message JSON of the user's next seq when it is due, or false
local now, ttl, user = ARGV[1], ARGV[2], ARGV[3]
-- tostring() of a large Lua number gives 1.7e+15; seqs are integers and must stay digits.
local function int(x) return string.format('%d', x) end

local n = (#KEYS - 5) / 3
local verdicts = {}
local nxt = nil
local advanced, buffered = false, false
local processed, late = 0, 0
local types = {}

for i = 1, n do
  local ek, dk, lk = KEYS[3 + 3 * i], KEYS[4 + 3 * i], KEYS[5 + 3 * i]
  local id, typ, seqa, json = ARGV[4 * i], ARGV[4 * i + 1], ARGV[4 * i + 2], ARGV[4 * i + 3]
  local verdict = 'p'
  if redis.call('EXISTS', dk) == 1 then
    verdict = 'd'
  elseif redis.call('EXISTS', lk) == 1 then
    verdicts[i] = 'x'
    break
  elseif seqa ~= '' then
    local seq = tonumber(seqa)
    nxt = nxt or tonumber(redis.call('GET', KEYS[2]) or '1')
    if seq > nxt then
      redis.call('HSET', KEYS[3], seqa, json)
      -- NX: the wait began with the first early event, not the latest one.
      redis.call('ZADD', KEYS[4], 'NX', now, user)
      buffered = true
      verdict = 'b'
    elseif seq < nxt then
      verdict = 'l'
    end
  end
  if verdict == 'p' or verdict == 'l' then
    redis.call('HSET', ek, 'status', 'processed', 'processedAt', now, 'attempts', 1, 'userId', user,
      'type', typ)
    if seqa ~= '' then redis.call('HSET', ek, 'seq', seqa) end
    redis.call('PEXPIRE', ek, ttl)
    redis.call('SET', dk, now, 'PX', ttl)
    processed = processed + 1
    types[typ] = (types[typ] or 0) + 1
    if verdict == 'l' then
      late = late + 1
    elseif seqa ~= '' then
      redis.call('RPUSH', KEYS[1], seqa)
      -- A copy of this seq buffered by an earlier delivery is not needed any more.
      redis.call('HDEL', KEYS[3], seqa)
      nxt = nxt + 1
      advanced = true
    end
  end
  verdicts[i] = verdict
end

if processed > 0 then
  redis.call('HINCRBY', KEYS[5], 'processed', processed)
  for typ, count in pairs(types) do redis.call('HINCRBY', KEYS[5], 'type:' .. typ, count) end
  if late > 0 then redis.call('HINCRBY', KEYS[5], 'late', late) end
end
if buffered then redis.call('PEXPIRE', KEYS[3], ttl) end

local following = false
if advanced then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('SET', KEYS[2], int(nxt), 'PX', ttl)
  if redis.call('HLEN', KEYS[3]) == 0 then
    redis.call('ZREM', KEYS[4], user)
  else
    -- The wait for the next seq starts now.
    redis.call('ZADD', KEYS[4], now, user)
    following = redis.call('HGET', KEYS[3], int(nxt))
  end
end
return { table.concat(verdicts), following }
