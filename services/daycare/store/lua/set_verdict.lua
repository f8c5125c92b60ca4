-- KEYS: rounds, apps, evidence:<id>.
-- ARGV: id, the verdict's field (a keyed hash of season, id and criterion), the
-- sealed verdict or "unverified", the criterion itself.
-- A caseworker's verdict on a claimed criterion, until the first round freezes the inputs.
-- The criterion is only used to drop a verdict written before sealing (its
-- field was the criterion); it is not stored.
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
  return redis.error_reply('FAILED_PRECONDITION a round has been published; the season is frozen')
end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then
  return redis.error_reply('NOT_FOUND application not found')
end
redis.call('HDEL', KEYS[3], ARGV[4])
if ARGV[3] == 'unverified' then
  redis.call('HDEL', KEYS[3], ARGV[2])
else
  redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
end
return 1
