-- Applies runs of plain events, each run one user's events in their offset order: for each
-- event, the decision of begin-event.lua and the final state of finalize-event.lua in one
-- step. A plain event has no business logic outside Redis, so this script is its whole
-- processing and, being atomic, needs no processing lock. A process running the same event
-- through the locking path meanwhile (the gap sweeper releases events that way) finds it
-- finalized when it comes to finalize-event.lua, which checks the dedup marker first: the
-- event is written once either way. Runs of many users share one call, because the cost of a
-- call is mostly its own, not its events'.
-- KEYS: variable
-- KEYS[1] seq:waiting
-- KEYS[2] counters:events
-- KEYS[3…] per run: order:{userId}, seq:next:{userId}, seq:buf:{userId}, then per event of
--          the run: event:{eventId}, dedup:{eventId}
-- ARGV[1] now (ms)
-- ARGV[2] retention (ms) of every key written here
-- ARGV[3…] per run: userId, the number of its events, then per event: type, seq or '', the
--          message JSON (kept in the buffer when the event is early)
-- returns per run, in order, { verdicts, following }: verdicts has one letter per event:
--         'p' processed in its turn (or without seq), 'l' processed outside the order (its
--         turn was skipped as a gap), 'd' a duplicate (finalized before), 'b' buffered until
--         its turn; following: the buffered message JSON of the user's next seq when it is
--         due, or false
local now, ttl = ARGV[1], ARGV[2]
-- tostring() of a large Lua number gives 1.7e+15; seqs are integers and must stay digits.
local function int(x) return string.format('%d', x) end

local processed, late = 0, 0
local types = {}

-- One user's run; k and a are the indexes of its first key and argument.
local function apply_run(k, a)
  local order_key, next_key, buf_key = KEYS[k], KEYS[k + 1], KEYS[k + 2]
  local user, n = ARGV[a], tonumber(ARGV[a + 1])
  local verdicts = {}
  local nxt = nil
  local buffered = false
  -- Only a user with early events has a buffer: most runs never touch it.
  local had_buffer = redis.call('EXISTS', buf_key) == 1
  local in_order = {}
  for i = 1, n do
    local ek, dk = KEYS[k + 1 + 2 * i], KEYS[k + 2 + 2 * i]
    local typ, seqa, json = ARGV[a + 3 * i - 1], ARGV[a + 3 * i], ARGV[a + 3 * i + 1]
    local verdict = 'p'
    if redis.call('EXISTS', dk) == 1 then
      verdict = 'd'
    elseif seqa ~= '' then
      local seq = tonumber(seqa)
      nxt = nxt or tonumber(redis.call('GET', next_key) or '1')
      if seq > nxt then
        redis.call('HSET', buf_key, seqa, json)
        -- NX: the wait began with the first early event, not the latest one.
        redis.call('ZADD', KEYS[1], 'NX', now, user)
        buffered = true
        verdict = 'b'
      elseif seq < nxt then
        verdict = 'l'
      end
    end
    if verdict == 'p' or verdict == 'l' then
      if seqa ~= '' then
        redis.call('HSET', ek, 'status', 'processed', 'processedAt', now, 'attempts', 1, 'userId', user,
          'type', typ, 'seq', seqa)
      else
        redis.call('HSET', ek, 'status', 'processed', 'processedAt', now, 'attempts', 1, 'userId', user,
          'type', typ)
      end
      redis.call('PEXPIRE', ek, ttl)
      redis.call('SET', dk, now, 'PX', ttl)
      processed = processed + 1
      types[typ] = (types[typ] or 0) + 1
      if verdict == 'l' then
        late = late + 1
      elseif seqa ~= '' then
        in_order[#in_order + 1] = seqa
        -- A copy of this seq buffered by an earlier delivery is not needed any more.
        if had_buffer or buffered then redis.call('HDEL', buf_key, seqa) end
        nxt = nxt + 1
      end
    end
    verdicts[i] = verdict
  end
  if buffered then redis.call('PEXPIRE', buf_key, ttl) end

  local following = false
  if #in_order > 0 then
    redis.call('RPUSH', order_key, unpack(in_order))
    redis.call('PEXPIRE', order_key, ttl)
    redis.call('SET', next_key, int(nxt), 'PX', ttl)
    if had_buffer or buffered then
      if redis.call('HLEN', buf_key) == 0 then
        redis.call('ZREM', KEYS[1], user)
      else
        -- The wait for the next seq starts now.
        redis.call('ZADD', KEYS[1], now, user)
        following = redis.call('HGET', buf_key, int(nxt))
      end
    end
  end
  return { table.concat(verdicts), following }, k + 3 + 2 * n, a + 2 + 3 * n
end

local out = {}
local k, a = 3, 3
while a <= #ARGV do
  out[#out + 1], k, a = apply_run(k, a)
end

if processed > 0 then
  redis.call('HINCRBY', KEYS[2], 'processed', processed)
  for typ, count in pairs(types) do redis.call('HINCRBY', KEYS[2], 'type:' .. typ, count) end
  if late > 0 then redis.call('HINCRBY', KEYS[2], 'late', late) end
end
return out
