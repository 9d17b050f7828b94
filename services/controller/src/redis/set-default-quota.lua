-- Sets (or clears) the quota of projects without a resource, bumping the version on a change.
-- KEYS[1] the default quota: quota:default (string, quota JSON)
-- KEYS[2] quota:version (counter)
-- ARGV[1] quota JSON, or '' for no default quota
-- returns 1 when it changed, 0 when it was already so
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if not current then
    return 0
  end
  redis.call('DEL', KEYS[1])
elseif current == ARGV[1] then
  return 0
else
  redis.call('SET', KEYS[1], ARGV[1])
end
redis.call('INCR', KEYS[2])
return 1
