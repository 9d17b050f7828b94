-- Writes an event's final state, all at once: the effectively-once commit point.
-- KEYS[1]  event:{eventId}
-- KEYS[2]  dedup:{eventId}
-- KEYS[3]  inflight:{eventId}
-- KEYS[4]  order:{userId}
-- KEYS[5]  seq:next:{userId}
-- KEYS[6]  seq:buf:{userId}
-- KEYS[7]  seq:waiting
-- KEYS[8]  counters:events
-- KEYS[9]  dlq:list
-- KEYS[10] dlq:{eventId}
-- KEYS[11] dlq:dead
-- ARGV[1]  lock token
-- ARGV[2]  status: 'processed' | 'failed'
-- ARGV[3]  now (ms)
-- ARGV[4]  attempts
-- ARGV[5]  eventId
-- ARGV[6]  userId
-- ARGV[7]  type
-- ARGV[8]  seq, or ''
-- ARGV[9]  error text, or ''
-- ARGV[10] retention (ms) of every key written here
-- ARGV[11] the original event JSON (kept in dlq:{eventId} when failed; '' when processed)
-- ARGV[12] loggedAt: the Kafka record's timestamp (ms), or ''
-- ARGV[13] readAt: when the consumer fetched it (ms), or ''
-- ARGV[14] startedAt: when its processing started (ms), or ''
-- returns { 'done' | 'dup' | 'lost', the buffered message JSON of the user's next seq or false }
--         'lost': the lock is not ours (it expired: another consumer may be running the
--         event); nothing is written and the event is read again
local token, status, now = ARGV[1], ARGV[2], ARGV[3]
-- tostring() of a large Lua number gives 1.7e+15; seqs are integers and must stay digits.
local function int(x) return string.format('%d', x) end
local ttl = ARGV[10]

local function unlock()
  if redis.call('GET', KEYS[3]) == token then
    redis.call('DEL', KEYS[3])
  end
end

if redis.call('EXISTS', KEYS[2]) == 1 then
  unlock()
  return { 'dup', false }
end

-- Only the lock's holder writes: a holder cut off from Redis past the lock's expiry may
-- have been overtaken, and two writers would race on the user's order.
if redis.call('GET', KEYS[3]) ~= token then
  return { 'lost', false }
end

redis.call('HSET', KEYS[1], 'status', status, 'processedAt', now, 'attempts', ARGV[4],
  'userId', ARGV[6], 'type', ARGV[7])
if ARGV[8] ~= '' then redis.call('HSET', KEYS[1], 'seq', ARGV[8]) end
if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'error', ARGV[9]) end
if ARGV[12] ~= '' then redis.call('HSET', KEYS[1], 'loggedAt', ARGV[12]) end
if ARGV[13] ~= '' then redis.call('HSET', KEYS[1], 'readAt', ARGV[13]) end
if ARGV[14] ~= '' then redis.call('HSET', KEYS[1], 'startedAt', ARGV[14]) end
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('SET', KEYS[2], now, 'PX', ttl)

redis.call('HINCRBY', KEYS[8], status, 1)
-- A dead letter being replayed (the reporter's replay-dead-letter.lua) ends its replay here.
local replaying = redis.call('HGET', KEYS[10], 'state') == 'replaying'
if status == 'processed' then
  redis.call('HINCRBY', KEYS[8], 'type:' .. ARGV[7], 1)
  if replaying then
    redis.call('HSET', KEYS[10], 'state', 'replayed', 'replayProcessedAt', now)
    redis.call('HINCRBY', KEYS[8], 'replayed', 1)
  end
else
  local attempts = tonumber(ARGV[4])
  if replaying then
    -- Listed once however often it dies; its attempts add up over the replays.
    attempts = attempts + tonumber(redis.call('HGET', KEYS[10], 'attempts') or '0')
  else
    redis.call('RPUSH', KEYS[9], ARGV[5])
  end
  redis.call('HSET', KEYS[10], 'attempts', attempts, 'error', ARGV[9], 'queuedAt', now,
    'userId', ARGV[6], 'event', ARGV[11], 'state', 'dead')
  redis.call('PEXPIRE', KEYS[10], ttl)
  redis.call('ZADD', KEYS[11], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[11], ttl)
end

local following = false
if ARGV[8] ~= '' then
  local seq = tonumber(ARGV[8])
  local nxt = tonumber(redis.call('GET', KEYS[5]) or '1')
  if seq == nxt then
    -- A failed seq is not part of the processed order, but it does not block the next one.
    if status == 'processed' then
      redis.call('RPUSH', KEYS[4], ARGV[8])
      redis.call('PEXPIRE', KEYS[4], ttl)
    end
    redis.call('SET', KEYS[5], int(seq + 1), 'PX', ttl)
    redis.call('HDEL', KEYS[6], ARGV[8])
    if redis.call('HLEN', KEYS[6]) == 0 then
      redis.call('ZREM', KEYS[7], ARGV[6])
    else
      -- The wait for seq + 1 starts now.
      redis.call('ZADD', KEYS[7], now, ARGV[6])
      following = redis.call('HGET', KEYS[6], int(seq + 1))
    end
  else
    redis.call('HINCRBY', KEYS[8], 'late', 1)
  end
end

unlock()
return { 'done', following }
