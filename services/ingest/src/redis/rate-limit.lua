-- Sliding-window rate limit for one request or batch, atomically for all its users.
-- KEYS: variable
-- KEYS[i]   rate:{userId}, one per distinct user in the request (a ZSET of ms timestamps)
-- ARGV[1]   now (ms)
-- ARGV[2]   window length (ms)
-- ARGV[3]   limit (events per window)
-- ARGV[4..] pairs of: index into KEYS (1-based), member (the event id, unique per event)
-- returns   a flat array with 3 integers per pair, in pair order:
--             allowed (1 | 0), remaining in the window after this item,
--             ms until the oldest entry leaves the window (0 when allowed)
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])

local counts = {}
for i = 1, #KEYS do
  -- Entries at or before now - window have left the window.
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  counts[i] = redis.call('ZCARD', KEYS[i])
end

local out = {}
for j = 4, #ARGV, 2 do
  local k = tonumber(ARGV[j])
  local allowed = 0
  local wait = 0
  if counts[k] < limit then
    -- ZADD of an id already in the window (a client retrying) replaces it: no double count.
    counts[k] = counts[k] + redis.call('ZADD', KEYS[k], 'NX', now, ARGV[j + 1])
    allowed = 1
  else
    local oldest = redis.call('ZRANGE', KEYS[k], 0, 0, 'WITHSCORES')
    wait = math.max(1, tonumber(oldest[2]) + window - now)
  end
  out[#out + 1] = allowed
  out[#out + 1] = math.max(0, limit - counts[k])
  out[#out + 1] = wait
end

for i = 1, #KEYS do
  redis.call('PEXPIRE', KEYS[i], window)
end
return out
