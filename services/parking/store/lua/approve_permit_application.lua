-- Approves a pending permit application: issues its permit (same id) into the
-- plate's permits, drops the address, leaves the pending set. A repeated
-- approval answers the approved application (one permit); a rejected or
-- revoked one is refused with its reason.
-- KEYS: application, the bucket's pending applications, the plate's open
--       applications, the plate's permits.
-- ARGV: id, plate key, permit JSON, valid_until unix s, now_ms, caseworker,
--       retention ms, open field.
-- Returns the application's field/value pairs.
local state = redis.call('HMGET', KEYS[1], 'status', 'reason', 'plate_key')
if not state[1] or state[3] ~= ARGV[2] then
  return redis.error_reply('NOT_FOUND [permit_application_not_found] permit application not found')
end
if state[1] == 'approved' then return redis.call('HGETALL', KEYS[1]) end
if state[1] == 'rejected' then
  return redis.error_reply('FAILED_PRECONDITION [permit_application_not_pending] application was rejected: ' .. (state[2] or ''))
end
if state[1] == 'revoked' then
  return redis.error_reply('FAILED_PRECONDITION [permit_application_not_pending] the permit of this application was revoked: ' ..
                           (state[2] or ''))
end
if state[1] ~= 'pending' then return redis.error_reply('corrupt permit application') end
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
local until_ms = tonumber(ARGV[4]) * 1000
if redis.call('PEXPIRETIME', KEYS[4]) < until_ms then
  redis.call('PEXPIREAT', KEYS[4], until_ms)
end
redis.call('HSET', KEYS[1], 'status', 'approved', 'permit', ARGV[1], 'decided', ARGV[5],
           'decided_by', ARGV[6])
redis.call('HDEL', KEYS[1], 'street', 'house_number')
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[3], ARGV[8]) == ARGV[1] then redis.call('HDEL', KEYS[3], ARGV[8]) end
redis.call('PEXPIREAT', KEYS[1], math.max(until_ms, tonumber(ARGV[5])) + tonumber(ARGV[7]))
return redis.call('HGETALL', KEYS[1])
