-- Finds a project's crashes whose message has every query word, newest first.
-- KEYS: variable
-- KEYS[1]   a scratch key for the intersection (deleted before returning)
-- KEYS[2…]  crash:{p}:search:{word} for each query word, then, when ARGV[3] is '1', the
--           issue's events zset crash:{p}:issue:{n}:events as the last key
-- ARGV[1]   offset
-- ARGV[2]   limit
-- ARGV[3]   one issue: '1' when the last key restricts the search to it, else '0'
-- returns   { total matches, eventId, eventId, … } for the requested page
local offset, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local sources = {}
local weights = {}
for i = 2, #KEYS do
  sources[#sources + 1] = KEYS[i]
  weights[#weights + 1] = 1
end
if ARGV[3] == '1' then
  -- The issue zset scores event numbers: weight 0 keeps the received time as the score.
  weights[#weights] = 0
end

local source = sources[1]
if #sources > 1 then
  local args = { 'ZINTERSTORE', KEYS[1], #sources }
  for _, k in ipairs(sources) do args[#args + 1] = k end
  args[#args + 1] = 'WEIGHTS'
  for _, w in ipairs(weights) do args[#args + 1] = w end
  args[#args + 1] = 'AGGREGATE'
  args[#args + 1] = 'MAX'
  redis.call(unpack(args))
  source = KEYS[1]
end

local out = { redis.call('ZCARD', source) }
for _, id in ipairs(redis.call('ZREVRANGE', source, offset, offset + limit - 1)) do
  out[#out + 1] = id
end
redis.call('DEL', KEYS[1])
return out
