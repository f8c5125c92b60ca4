-- Points an id's own bucket at the bucket that keeps its record (a hold id or
-- booking code that does not fit its resource's bucket, or a booking moved to
-- a resource of another bucket). Written before the record, so a stop in
-- between leaves a stub without a record, which readers take as not found.
-- KEYS: the stub (<bucket prefix>hold:<id> or booking:<code>).
-- ARGV: bucket of the record, expires at (ms), '1' to repoint a stub.
-- Refuses ALREADY_EXISTS where a record (not a stub) has that name.
local at = redis.call('HGET', KEYS[1], 'at')
if redis.call('EXISTS', KEYS[1]) == 1 and not at then
  return redis.error_reply('ALREADY_EXISTS booking code taken')
end
if at and at ~= ARGV[1] and ARGV[3] ~= '1' then
  return redis.error_reply('ALREADY_EXISTS booking code taken')
end
redis.call('HSET', KEYS[1], 'at', ARGV[1])
if redis.call('PEXPIRETIME', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIREAT', KEYS[1], ARGV[2])
end
return 1
