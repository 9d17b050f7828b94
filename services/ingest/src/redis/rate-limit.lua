-- Admission of one request or batch, atomically for all its users and projects: each user's
-- sliding window and, for an item of a project with a quota, the project's token bucket
-- (ProjectQuota). An item passes only when both have room.
-- KEYS: variable
-- KEYS[1..U]     rate:{userId}, one per distinct user in the request (a ZSET of ms timestamps)
-- KEYS[U+2p-1]   quota:{projectId}:bucket of the p-th project (a hash: tokens, ts)
-- KEYS[U+2p]     quota:{projectId}:usage:{minute} of the p-th project (a hash: accepted, throttled)
-- ARGV[1]   now (ms)
-- ARGV[2]   window length (ms)
-- ARGV[3]   limit (events per window)
-- ARGV[4]   user count U: the number of user keys
-- ARGV[5]   project count P: the number of projects
-- ARGV[6]   usage TTL (ms) of a usage hash
-- ARGV[7..6+3P]  per project: events per second, burst, 1 to enforce or 0 for shadow mode
-- ARGV[7+3P..]   triples of: user index into KEYS (1-based; 0: no user limit), member (the
--                event id, unique per event), project index (1-based; 0: no project quota)
-- returns   a flat array with 4 integers per triple, in triple order:
--             allowed (1 | 0), remaining in the user's window after this item,
--             ms until the item could pass (0 when allowed),
--             verdict: 0 admitted, 1 refused by the user's window, 2 refused by the
--             project's quota, 3 admitted over the project's quota (shadow mode)
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local users = tonumber(ARGV[4])
local projects = tonumber(ARGV[5])

local counts = {}
for i = 1, users do
  -- Entries at or before now - window have left the window.
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  counts[i] = redis.call('ZCARD', KEYS[i])
end

-- Each bucket refilled up to now; a bucket not seen for a while (or ever) is full.
local rate, burst, enforce, tokens, accepted, throttled = {}, {}, {}, {}, {}, {}
for p = 1, projects do
  local a = 6 + 3 * (p - 1)
  rate[p], burst[p], enforce[p] = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), ARGV[a + 3] == '1'
  local state = redis.call('HMGET', KEYS[users + 2 * p - 1], 'tokens', 'ts')
  local level, ts = tonumber(state[1]), tonumber(state[2])
  tokens[p] = burst[p]
  if level and ts then
    tokens[p] = math.min(burst[p], level + math.max(0, now - ts) * rate[p] / 1000)
  end
  accepted[p], throttled[p] = 0, 0
end

local out = {}
for j = 7 + 3 * projects, #ARGV, 3 do
  local k = tonumber(ARGV[j])
  local p = tonumber(ARGV[j + 2])
  local allowed, wait, verdict = 0, 0, 0
  local projectRoom = p == 0 or tokens[p] >= 1
  if k > 0 and counts[k] >= limit then
    local oldest = redis.call('ZRANGE', KEYS[k], 0, 0, 'WITHSCORES')
    wait = math.max(1, tonumber(oldest[2]) + window - now)
    verdict = 1
  elseif not projectRoom and enforce[p] then
    wait = math.max(1, math.ceil((1 - tokens[p]) * 1000 / rate[p]))
    verdict = 2
    throttled[p] = throttled[p] + 1
  else
    if k > 0 then
      -- ZADD of an id already in the window (a client retrying) replaces it: no double count.
      counts[k] = counts[k] + redis.call('ZADD', KEYS[k], 'NX', now, ARGV[j + 1])
    end
    if p > 0 then
      accepted[p] = accepted[p] + 1
      if projectRoom then
        tokens[p] = tokens[p] - 1
      else
        verdict = 3
        throttled[p] = throttled[p] + 1
      end
    end
    allowed = 1
  end
  out[#out + 1] = allowed
  out[#out + 1] = k > 0 and math.max(0, limit - counts[k]) or 0
  out[#out + 1] = wait
  out[#out + 1] = verdict
end

for i = 1, users do
  redis.call('PEXPIRE', KEYS[i], window)
end
for p = 1, projects do
  -- A bucket left alone this long is full again: the key can go.
  local bucket, usage = KEYS[users + 2 * p - 1], KEYS[users + 2 * p]
  redis.call('HSET', bucket, 'tokens', tostring(tokens[p]), 'ts', ARGV[1])
  redis.call('PEXPIRE', bucket, math.ceil(burst[p] * 1000 / rate[p]) + 1000)
  if accepted[p] > 0 then
    redis.call('HINCRBY', usage, 'accepted', accepted[p])
  end
  if throttled[p] > 0 then
    redis.call('HINCRBY', usage, 'throttled', throttled[p])
  end
  if accepted[p] + throttled[p] > 0 then
    redis.call('PEXPIRE', usage, ARGV[6])
  end
end
return out
