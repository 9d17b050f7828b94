-- Revokes one key of a project at once: its ingest key and read token stop working as soon
-- as the caches see the version move (within their refresh period).
-- KEYS[1] project:{p}:keys (keyId -> key JSON)
-- KEYS[2] projects:credentials (credential hash -> credential JSON)
-- KEYS[3] projects:version (bumped, so caches re-read)
-- ARGV[1] keyId
-- returns 1 when revoked, 0 when the project has no such key
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then
  return 0
end
local key = cjson.decode(raw)
redis.call('HDEL', KEYS[2], key.ingestHash, key.readHash)
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('INCR', KEYS[3])
return 1
