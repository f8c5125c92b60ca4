-- KEYS: period, apps, owners, children, child_of, duplicates, owned:<subject>, withdrawn,
--       contacts, outbox, changed_at.
-- ARGV: id, subject, sealed application, "1" when new, child index (a keyed hash),
--       sealed contact ("" = none: no mails), now (unix s).
-- The guardian's contact for mails is kept sealed in `contacts` (read by the
-- steps that write outbox events); a new application writes
-- `application.received` in the same step.
-- One application per child: `children` maps the child index (a keyed hash of
-- normalised name, birth date and guardian) to its application; a second one is refused and the
-- first is flagged in `duplicates` (refused attempts per application).
local owner = redis.call('HGET', KEYS[3], ARGV[1])
if ARGV[4] == '1' then
  if owner then return redis.error_reply('ALREADY_EXISTS application id taken') end
elseif owner ~= ARGV[2] then
  return redis.error_reply('NOT_FOUND application not found')
end
if ARGV[4] ~= '1' and redis.call('HEXISTS', KEYS[8], ARGV[1]) == 1 then
  return redis.error_reply('FAILED_PRECONDITION the application was withdrawn')
end
if redis.call('GET', KEYS[1]) ~= 'open' then
  return redis.error_reply('FAILED_PRECONDITION the application period is not open')
end
local holder = redis.call('HGET', KEYS[4], ARGV[5])
if holder and holder ~= ARGV[1] then
  redis.call('HINCRBY', KEYS[6], holder, 1)
  return redis.error_reply('ALREADY_EXISTS this child already has an application in this season: ' .. holder)
end
local old = redis.call('HGET', KEYS[5], ARGV[1])
if old and old ~= ARGV[5] then redis.call('HDEL', KEYS[4], old) end
redis.call('HSET', KEYS[4], ARGV[5], ARGV[1])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[5])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[7], ARGV[1])
-- The season's retention period runs from its last change.
redis.call('SET', KEYS[11], ARGV[7])
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[9], ARGV[1], ARGV[6])
else
  redis.call('HDEL', KEYS[9], ARGV[1])
end
if ARGV[4] == '1' then
  -- Not trimmed here: the notifications service trims below what every
  -- consumer group has acknowledged.
  redis.call('XADD', KEYS[10], '*', 'type', 'application.received', 'application', ARGV[1],
             'contact', ARGV[6])
end
return 1
