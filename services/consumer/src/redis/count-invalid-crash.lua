-- Counts one invalid crash payload against its project, once per event.
-- KEYS[1] crash:{projectId}:applied:{eventId}
-- KEYS[2] crash:{projectId}:stats
-- ARGV[1] retention (ms) of the marker
-- returns 1 when counted now, 0 when it was counted before
if redis.call('SET', KEYS[1], 'invalid', 'NX', 'PX', ARGV[1]) then
  redis.call('HINCRBY', KEYS[2], 'invalid', 1)
  return 1
end
return 0
