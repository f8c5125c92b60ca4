-- Erases one of the applicant's permit applications (GDPR Art. 17): a pending
-- one leaves the caseworkers' queue and the plate's open applications; a
-- decided one is only a record (an approved permit stays in the plate's
-- permits, which the officer's check reads, until it ends). A retry, or an
-- application of someone else, changes nothing.
-- KEYS: application, the bucket's pending applications.
-- ARGV: applicant, the bucket's key prefix.
local fields = redis.call('HMGET', KEYS[1], 'applicant', 'status', 'plate_key', 'area', 'id')
if fields[1] ~= ARGV[1] then return 0 end
if fields[2] == 'pending' then
  redis.call('ZREM', KEYS[2], fields[5])
  local open = ARGV[2] .. 'open-applications:' .. fields[3]
  if redis.call('HGET', open, ARGV[1] .. '\n' .. fields[4]) == fields[5] then
    redis.call('HDEL', open, ARGV[1] .. '\n' .. fields[4])
  end
end
return redis.call('DEL', KEYS[1])
