-- KEYS: rounds, apps, children, child_of, corrections:<id>.
-- ARGV: id, application JSON, child key, correction JSON (without "before").
-- A caseworker's correction until the first round: the application is replaced,
-- the child's identity moves with it, and the correction is kept with the
-- application together with what it replaced.
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
  return redis.error_reply('FAILED_PRECONDITION a round has been published; the season is frozen')
end
local before = redis.call('HGET', KEYS[2], ARGV[1])
if not before then
  return redis.error_reply('NOT_FOUND [application_not_found] application not found')
end
local holder = redis.call('HGET', KEYS[3], ARGV[3])
if holder and holder ~= ARGV[1] then
  return redis.error_reply('ALREADY_EXISTS the corrected child already has an application in this season: ' .. holder)
end
local old = redis.call('HGET', KEYS[4], ARGV[1])
if old and old ~= ARGV[3] then redis.call('HDEL', KEYS[3], old) end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
local correction = cjson.decode(ARGV[4])
correction['before'] = before
redis.call('RPUSH', KEYS[5], cjson.encode(correction))
return 1
