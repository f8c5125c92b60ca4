-- KEYS: owners, withdrawn, children, child_of, offer, version.
-- ARGV: id, subject, now (unix s).
-- The application leaves the procedure: an open offer or a held place is given
-- up (the next round gives it to the next child), the child's identity is
-- freed so that it can be applied for again. Withdrawing again changes nothing.
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return redis.error_reply('NOT_FOUND [application_not_found] application not found')
end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
local child = redis.call('HGET', KEYS[4], ARGV[1])
if child then
  if redis.call('HGET', KEYS[3], child) == ARGV[1] then redis.call('HDEL', KEYS[3], child) end
  redis.call('HDEL', KEYS[4], ARGV[1])
end
if redis.call('EXISTS', KEYS[5]) == 1 then
  redis.call('HSET', KEYS[5], 'state', 'withdrawn', 'kind', 'out')
end
redis.call('INCR', KEYS[6])
return 1
