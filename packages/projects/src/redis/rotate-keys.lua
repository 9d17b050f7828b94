-- Issues a new key to a project; the keys it had keep working until the grace period ends
-- (a key ending sooner keeps its own end). Keys whose end has passed are dropped here.
-- KEYS[1] project:{p}:meta (hash)
-- KEYS[2] project:{p}:keys (keyId -> key JSON)
-- KEYS[3] projects:credentials (credential hash -> credential JSON)
-- KEYS[4] projects:version (bumped, so caches re-read)
-- ARGV[1] keyId of the new key
-- ARGV[2] key JSON of the new key
-- ARGV[3] ingestHash: the SHA-256 of the new ingest key
-- ARGV[4] readHash: the SHA-256 of the new read token
-- ARGV[5] now (ms)
-- ARGV[6] grace end (ms): when the older keys stop working
-- returns the project's number, or 0 when there is no such project
local number = redis.call('HGET', KEYS[1], 'number')
if not number then
  return 0
end
local projectId = redis.call('HGET', KEYS[1], 'projectId')
local now = tonumber(ARGV[5])
local graceEnd = tonumber(ARGV[6])
local function credential(keyId, kind, expiresAt)
  return cjson.encode({ projectId = projectId, number = tonumber(number), keyId = keyId, kind = kind,
    expiresAt = expiresAt })
end
local entries = redis.call('HGETALL', KEYS[2])
for i = 1, #entries, 2 do
  local keyId = entries[i]
  local key = cjson.decode(entries[i + 1])
  local ends = tonumber(key.expiresAt)
  if ends ~= 0 and ends <= now then
    redis.call('HDEL', KEYS[2], keyId)
    redis.call('HDEL', KEYS[3], key.ingestHash, key.readHash)
  else
    if ends == 0 or ends > graceEnd then
      ends = graceEnd
    end
    key.expiresAt = ends
    redis.call('HSET', KEYS[2], keyId, cjson.encode(key))
    redis.call('HSET', KEYS[3], key.ingestHash, credential(keyId, 'ingest', ends),
      key.readHash, credential(keyId, 'read', ends))
  end
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[3], credential(ARGV[1], 'ingest', 0), ARGV[4], credential(ARGV[1], 'read', 0))
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[5])
redis.call('INCR', KEYS[4])
return tonumber(number)
