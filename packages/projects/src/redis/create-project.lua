-- Creates a project with its first key: the next number (1, 2, 3 … without gaps, since a
-- refused create takes none), its metadata, its key and both credentials, in one step so no
-- reader ever sees a project without a key or a key without a project.
-- KEYS[1] projects:seq (the last number handed out)
-- KEYS[2] projects:by-number (number -> projectId)
-- KEYS[3] projects:index (projectId scored by number)
-- KEYS[4] project:{p}:meta (hash)
-- KEYS[5] project:{p}:keys (keyId -> key JSON)
-- KEYS[6] projects:credentials (credential hash -> credential JSON)
-- KEYS[7] projects:version (bumped, so caches re-read)
-- ARGV[1] projectId
-- ARGV[2] name
-- ARGV[3] now (ms)
-- ARGV[4] keyId
-- ARGV[5] key JSON without the number (ingestHash, readHash, createdAt, expiresAt 0)
-- ARGV[6] ingestHash: the SHA-256 of the ingest key
-- ARGV[7] readHash: the SHA-256 of the read token
-- returns the project's number, or -1 when a project of that id exists
if redis.call('EXISTS', KEYS[4]) == 1 then
  return -1
end
local number = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], number, ARGV[1])
redis.call('ZADD', KEYS[3], number, ARGV[1])
redis.call('HSET', KEYS[4], 'projectId', ARGV[1], 'number', number, 'name', ARGV[2],
  'createdAt', ARGV[3], 'updatedAt', ARGV[3])
redis.call('HSET', KEYS[5], ARGV[4], ARGV[5])
local function credential(kind)
  return cjson.encode({ projectId = ARGV[1], number = number, keyId = ARGV[4], kind = kind, expiresAt = 0 })
end
redis.call('HSET', KEYS[6], ARGV[6], credential('ingest'), ARGV[7], credential('read'))
redis.call('INCR', KEYS[7])
return number
