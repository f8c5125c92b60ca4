-- Stores a new session unless the plate has an active one.
-- KEYS: plate's latest-session copy, session, idempotency record, outbox,
--       the bucket's unsettled ends.
-- ARGV: now_ms, fingerprint ("" = no key), idempotency ttl s, answer JSON,
--       retention ms, end_ms, remind_at_ms, session id, zone, owner, then the
--       session's field/value pairs.
if ARGV[2] ~= '' then
  local prior = redis.call('GET', KEYS[3])
  if prior then
    local sep = string.find(prior, '\n', 1, true)
    if string.sub(prior, 1, sep - 1) ~= ARGV[2] then
      return redis.error_reply('INVALID_ARGUMENT idempotency_key was already used for a different request')
    end
    return string.sub(prior, sep + 1)
  end
end
local now = tonumber(ARGV[1])
local active_end = tonumber(redis.call('HGET', KEYS[1], 'end') or '0')
if active_end > now then
  return redis.error_reply('ALREADY_EXISTS this plate already has an active parking session')
end
local fields = {}
for i = 11, #ARGV do fields[#fields + 1] = ARGV[i] end
local expire_at = tonumber(ARGV[6]) + tonumber(ARGV[5])
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('PEXPIREAT', KEYS[2], expire_at)
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIREAT', KEYS[1], expire_at)
redis.call('XADD', KEYS[4], 'MAXLEN', '~', '100000', '*', 'type', 'session.started',
           'session', ARGV[8], 'zone', ARGV[9], 'owner', ARGV[10], 'end_ms', ARGV[6],
           'remind_at_ms', ARGV[7])
redis.call('ZADD', KEYS[5], ARGV[6], ARGV[8])
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[3], ARGV[2] .. '\n' .. ARGV[4], 'EX', ARGV[3])
end
return ARGV[4]
