-- Starts the replay of one dead letter: marks it replaying and clears its dedup marker, so
-- the copy the caller produces next is processed once more. Once the copy is finalized
-- (finalize-event.lua) the letter is replayed or dead again; until then a second call
-- changes nothing, and the marker the first copy sets makes any further copy a duplicate:
-- replaying twice processes it once more, not twice.
-- KEYS[1] dlq:{eventId}
-- KEYS[2] dlq:dead
-- KEYS[3] dedup:{eventId}
-- KEYS[4] event:{eventId}
-- KEYS[5] counters:events
-- ARGV[1] eventId
-- ARGV[2] now (ms)
-- ARGV[3] stale after (ms): a replay begun this long ago and still not finalized is produced
--         again (the caller died or Kafka refused the copy; a late first copy is a duplicate)
-- returns { 'missing' } | { 'not_replayable' } | { 'replayed', replays }
--         | { 'replaying', replays } a replay is under way: produce nothing
--         | { 'queued', replays, event JSON, userId } produce the event now
if redis.call('EXISTS', KEYS[1]) == 0 then
  return { 'missing' }
end
local h = redis.call('HMGET', KEYS[1], 'state', 'replays', 'replayedAt', 'error', 'event', 'userId')
local state, replays = h[1] or 'dead', tonumber(h[2] or '0')
local now = tonumber(ARGV[2])
if state == 'replayed' then
  return { 'replayed', replays }
end
if string.sub(h[4] or '', 1, 15) == 'INVALID_MESSAGE' then
  return { 'not_replayable' }
end
if state == 'replaying' and now - tonumber(h[3] or '0') < tonumber(ARGV[3]) then
  return { 'replaying', replays }
end
if state ~= 'replaying' then
  replays = redis.call('HINCRBY', KEYS[1], 'replays', 1)
  redis.call('HINCRBY', KEYS[5], 'replays', 1)
end
redis.call('HSET', KEYS[1], 'state', 'replaying', 'replayedAt', now)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('DEL', KEYS[3])
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('HSET', KEYS[4], 'status', 'replaying')
end
return { 'queued', replays, h[5] or '', h[6] or '' }
