-- Rejects a pending permit application with a reason, drops the address,
-- leaves the pending set. A repeated rejection answers the rejected
-- application unchanged; an approved or revoked one is refused.
-- KEYS: application, the bucket's pending applications, the plate's open
--       applications.
-- ARGV: id, plate key, reason, now_ms, caseworker, retention ms, open field.
-- Returns the application's field/value pairs.
local state = redis.call('HMGET', KEYS[1], 'status', 'reason', 'plate_key')
if not state[1] or state[3] ~= ARGV[2] then
  return redis.error_reply('NOT_FOUND [permit_application_not_found] permit application not found')
end
if state[1] == 'rejected' then return redis.call('HGETALL', KEYS[1]) end
if state[1] == 'approved' then
  return redis.error_reply(
      'FAILED_PRECONDITION [permit_application_not_pending] application was approved already: revoke its permit instead')
end
if state[1] == 'revoked' then
  return redis.error_reply('FAILED_PRECONDITION [permit_application_not_pending] the permit of this application was revoked: ' ..
                           (state[2] or ''))
end
if state[1] ~= 'pending' then return redis.error_reply('corrupt permit application') end
redis.call('HSET', KEYS[1], 'status', 'rejected', 'reason', ARGV[3], 'decided', ARGV[4],
           'decided_by', ARGV[5])
redis.call('HDEL', KEYS[1], 'street', 'house_number')
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[3], ARGV[7]) == ARGV[1] then redis.call('HDEL', KEYS[3], ARGV[7]) end
redis.call('PEXPIREAT', KEYS[1], tonumber(ARGV[4]) + tonumber(ARGV[6]))
return redis.call('HGETALL', KEYS[1])
