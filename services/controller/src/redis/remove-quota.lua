-- Removes what a deleted ProjectQuota resource wrote: its owner entry, and its project's
-- quota if that quota is still the resource's own.
-- KEYS[1] quota:effective (hash projectId -> quota JSON)
-- KEYS[2] quota:owners (hash resource key -> projectId)
-- KEYS[3] quota:version (counter)
-- ARGV[1] resource key (namespace/name)
-- returns the projectId the resource owned, or false when it owned none
local key = ARGV[1]
local project = redis.call('HGET', KEYS[2], key)
if not project then
  return false
end
redis.call('HDEL', KEYS[2], key)
local current = redis.call('HGET', KEYS[1], project)
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and decoded.source == key then
    redis.call('HDEL', KEYS[1], project)
  end
end
redis.call('INCR', KEYS[3])
return project
