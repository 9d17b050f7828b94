-- Defines or replaces a custom counter. A changed definition starts counting from zero, since
-- its past count was for another condition.
-- KEYS[1] crash:{p}:counters (name -> definition JSON)
-- KEYS[2] crash:{p}:custom (name -> count)
-- ARGV[1] counter name
-- ARGV[2] definition JSON
-- ARGV[3] max counters: the most a project may have
-- returns 1 created, 2 replaced (count reset), 3 unchanged, -1 the project has too many
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current == ARGV[2] then
  return 3
end
if not current and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  return -1
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[1])
if current then
  return 2
end
return 1
