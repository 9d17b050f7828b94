-- Writes the effective quota of one ProjectQuota resource, unless another live resource
-- already owns the project (first come, first served: the later one reports a conflict).
-- KEYS[1] quota:effective (hash projectId -> quota JSON)
-- KEYS[2] quota:owners (hash resource key -> projectId)
-- KEYS[3] quota:version (counter)
-- ARGV[1] resource key (namespace/name)
-- ARGV[2] projectId
-- ARGV[3] quota JSON whose `source` is ARGV[1]
-- returns { 1, '' } written, { 0, '' } already so, { -1, owner } when owner holds the project
local key, project, quota = ARGV[1], ARGV[2], ARGV[3]

local current = redis.call('HGET', KEYS[1], project)
if current and current ~= quota then
  local ok, decoded = pcall(cjson.decode, current)
  local owner = ok and type(decoded) == 'table' and decoded.source or nil
  -- An entry written by hand, or left by a resource that no longer claims it, is replaced.
  if type(owner) == 'string' and owner ~= key and redis.call('HGET', KEYS[2], owner) == project then
    return { -1, owner }
  end
end

local changed = 0
-- The resource used to name another project: give that project up.
local previous = redis.call('HGET', KEYS[2], key)
if previous and previous ~= project then
  local old = redis.call('HGET', KEYS[1], previous)
  if old then
    local ok, decoded = pcall(cjson.decode, old)
    if ok and type(decoded) == 'table' and decoded.source == key then
      redis.call('HDEL', KEYS[1], previous)
    end
  end
  changed = 1
end
if previous ~= project then
  redis.call('HSET', KEYS[2], key, project)
  changed = 1
end
if current ~= quota then
  redis.call('HSET', KEYS[1], project, quota)
  changed = 1
end
if changed == 1 then
  redis.call('INCR', KEYS[3])
end
return { changed, '' }
