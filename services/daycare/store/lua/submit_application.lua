-- KEYS: period, apps, owners. ARGV: id, subject, application JSON, "1" when new.
local owner = redis.call('HGET', KEYS[3], ARGV[1])
if ARGV[4] == '1' then
  if owner then return redis.error_reply('ALREADY_EXISTS application id taken') end
elseif owner ~= ARGV[2] then
  return redis.error_reply('NOT_FOUND application not found')
end
if redis.call('GET', KEYS[1]) ~= 'open' then
  return redis.error_reply('FAILED_PRECONDITION the application period is not open')
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
return 1
