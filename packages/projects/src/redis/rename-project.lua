-- Renames a project that exists (HSET alone would create a half project).
-- KEYS[1] project:{p}:meta (hash)
-- ARGV[1] name
-- ARGV[2] now (ms)
-- returns 1 when renamed, 0 when there is no such project
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'updatedAt', ARGV[2])
return 1
