-- Applies one valid crash to its project, once: statistics, custom counters, its issue, the
-- stored crash and the search index. A second call for the same event changes nothing.
-- KEYS: variable
-- KEYS[1]  crash:{p}:applied:{eventId}
-- KEYS[2]  crash:{p}:stats
-- KEYS[3]  crash:{p}:custom
-- KEYS[4]  crash:{p}:event:{eventId}
-- KEYS[5]  crash:{p}:issue:{n}
-- KEYS[6]  crash:{p}:issue:{n}:events
-- KEYS[7]  crash:{p}:issues:all:last
-- KEYS[8]  crash:{p}:issues:all:count
-- KEYS[9]  crash:{p}:issues:open:last
-- KEYS[10] crash:{p}:issues:open:count
-- KEYS[11] crash:{p}:issues:resolved:last
-- KEYS[12] crash:{p}:issues:resolved:count
-- KEYS[13] crash:{p}:issues:ignored:last
-- KEYS[14] crash:{p}:issues:ignored:count
-- KEYS[15] crash:{p}:series:minute:{bucket start}
-- KEYS[16] crash:{p}:series:hour:{bucket start}
-- KEYS[17] crash:{p}:fingerprints
-- KEYS[18…] crash:{p}:search:{word}, one per indexed word of the message
-- ARGV[1]  eventId
-- ARGV[2]  issue number
-- ARGV[3]  severity: error | warning | info
-- ARGV[4]  received at (ms): the ingest's timestamp, so a redelivery writes the same values
-- ARGV[5]  retention (ms) of the stored crash, its marker and the search entries
-- ARGV[6]  fingerprint
-- ARGV[7]  title
-- ARGV[8]  culprit
-- ARGV[9]  the crash JSON
-- ARGV[10] minute expires at: when the minute bucket expires (ms since the epoch)
-- ARGV[11] hour expires at: when the hour bucket expires (ms since the epoch)
-- ARGV[12] matched count k: the number of custom counters the crash matches
-- ARGV[13…12+k] their names
-- returns { event number within the issue, 1 when applied now | 0 when applied before },
--   or { 0, -1 } having written nothing when ARGV[2] is not the fingerprint's issue number
--   (the consumer remembers numbers: one from a Redis since lost or replaced)
local done = redis.call('GET', KEYS[1])
if done then
  return { tonumber(done), 0 }
end
if redis.call('HGET', KEYS[17], ARGV[6]) ~= ARGV[2] then
  return { 0, -1 }
end

local id, n, severity = ARGV[1], ARGV[2], ARGV[3]
local at, ttl = tonumber(ARGV[4]), ARGV[5]
local rank = { info = 1, warning = 2, error = 3 }
local status_keys = { open = { 9, 10 }, resolved = { 11, 12 }, ignored = { 13, 14 } }

redis.call('HINCRBY', KEYS[2], severity, 1)
redis.call('HINCRBY', KEYS[2], 'total', 1)
-- The buckets of the severity chart; each expires a retention after it starts, set on every
-- write (the same instant each time) so a bucket never outlives it.
redis.call('HINCRBY', KEYS[15], severity, 1)
redis.call('PEXPIREAT', KEYS[15], ARGV[10])
redis.call('HINCRBY', KEYS[16], severity, 1)
redis.call('PEXPIREAT', KEYS[16], ARGV[11])
for i = 13, 12 + tonumber(ARGV[12]) do
  redis.call('HINCRBY', KEYS[3], ARGV[i], 1)
end

local count = redis.call('HINCRBY', KEYS[5], 'count', 1)
if count == 1 then
  redis.call('HSET', KEYS[5], 'number', n, 'fingerprint', ARGV[6], 'title', ARGV[7],
    'culprit', ARGV[8], 'severity', severity, 'status', 'open', 'firstSeen', at, 'lastSeen', at)
end
local status = redis.call('HGET', KEYS[5], 'status') or 'open'
if status == 'resolved' then
  -- A resolved issue that happens again is open again.
  redis.call('ZREM', KEYS[11], n)
  redis.call('ZREM', KEYS[12], n)
  status = 'open'
  redis.call('HSET', KEYS[5], 'status', status, 'reopenedAt', at)
end
local last = math.max(at, tonumber(redis.call('HGET', KEYS[5], 'lastSeen') or at))
local first = math.min(at, tonumber(redis.call('HGET', KEYS[5], 'firstSeen') or at))
redis.call('HSET', KEYS[5], 'lastSeen', last, 'firstSeen', first)
if rank[severity] > (rank[redis.call('HGET', KEYS[5], 'severity')] or 0) then
  redis.call('HSET', KEYS[5], 'severity', severity)
end
local sk = status_keys[status]
redis.call('ZADD', KEYS[7], last, n)
redis.call('ZADD', KEYS[8], count, n)
redis.call('ZADD', KEYS[sk[1]], last, n)
redis.call('ZADD', KEYS[sk[2]], count, n)
redis.call('ZADD', KEYS[6], count, id)

redis.call('HSET', KEYS[4], 'json', ARGV[9], 'issue', n, 'eventNumber', count, 'receivedAt', at)
redis.call('PEXPIRE', KEYS[4], ttl)

for i = 18, #KEYS do
  redis.call('ZADD', KEYS[i], at, id)
  -- Entries of crashes past their retention are dropped as the word is used again.
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', at - tonumber(ttl))
  redis.call('PEXPIRE', KEYS[i], ttl)
end

redis.call('SET', KEYS[1], count, 'PX', ttl)
return { count, 1 }
