-- Step 3 of a confirmation: the person's reservation becomes the booking
-- (the hold became `code` in the office's slot). Idempotent: a retry, or a
-- commit after a later confirm settled the reservation already, changes
-- nothing; NX keeps the start of a booking moved in between.
-- KEYS: person, resv, person-svc:<service> for each of the booking's services.
-- ARGV: hold id, code, start ms, delete after ms.
local member = 'r:' .. ARGV[1]
local until_ms = tonumber(ARGV[4])
for i, key in ipairs(KEYS) do
  if i ~= 2 then
    redis.call('ZREM', key, member)
    redis.call('ZADD', key, 'NX', ARGV[3], ARGV[2])
    if redis.call('PEXPIRETIME', key) < until_ms then redis.call('PEXPIREAT', key, until_ms) end
  end
end
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
