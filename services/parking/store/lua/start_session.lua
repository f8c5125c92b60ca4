-- Stores a new session unless its owner has an active one for the plate.
-- Another owner's session of the plate (a shared car) is no reason to refuse,
-- so that the answer never tells whether someone else parked the plate.
-- With a sealed notification contact, the session's "ending soon" reminder is
-- scheduled in the same step (send_due_reminders.lua sends it).
-- KEYS: the plate's sessions (hash owner -> latest session JSON), session,
--       idempotency record, outbox, the bucket's unsettled ends, the bucket's
--       reminders (zset session id -> remind_at_ms).
-- ARGV: now_ms, fingerprint ("" = no key), idempotency ttl s, answer JSON,
--       retention ms, end_ms, remind_at_ms, session id, zone, owner,
--       plate memory ms (how long the plate's sessions hash keeps an ended
--       session), sealed contact ("" = no reminder), then the session's
--       field/value pairs.
if ARGV[2] ~= '' then
  local prior = redis.call('GET', KEYS[3])
  if prior then
    local sep = string.find(prior, '\n', 1, true)
    if string.sub(prior, 1, sep - 1) ~= ARGV[2] then
      return redis.error_reply('INVALID_ARGUMENT [idempotency_key_reused] idempotency_key was already used for a different request')
    end
    return string.sub(prior, sep + 1)
  end
end
local now = tonumber(ARGV[1])
local memory = tonumber(ARGV[11])
local owner = ARGV[10]
-- One pass over the plate's owners: refuse the owner's second active session,
-- forget sessions that ended longer than the memory ago.
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  local ok, stored = pcall(cjson.decode, entries[i + 1])
  local stored_end = ok and type(stored) == 'table' and tonumber(stored['end']) or nil
  if entries[i] == owner and stored_end and stored_end > now then
    return redis.error_reply('ALREADY_EXISTS [session_already_active] you already have an active parking session for this plate')
  end
  if not stored_end or stored_end + memory < now then
    redis.call('HDEL', KEYS[1], entries[i])
  end
end
local fields = {}
for i = 13, #ARGV do fields[#fields + 1] = ARGV[i] end
local end_ms = tonumber(ARGV[6])
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('PEXPIREAT', KEYS[2], end_ms + tonumber(ARGV[5]))
redis.call('HSET', KEYS[1], owner, ARGV[4])
if redis.call('PEXPIRETIME', KEYS[1]) < end_ms + memory then
  redis.call('PEXPIREAT', KEYS[1], end_ms + memory)
end
if ARGV[12] ~= '' then
  redis.call('HSET', KEYS[2], 'notify', ARGV[12])
  redis.call('ZADD', KEYS[6], ARGV[7], ARGV[8])
end
-- Not trimmed here: the notifications service trims below what every
-- consumer group has acknowledged.
redis.call('XADD', KEYS[4], '*', 'type', 'session.started',
           'session', ARGV[8], 'zone', ARGV[9], 'owner', ARGV[10], 'end_ms', ARGV[6],
           'remind_at_ms', ARGV[7], 'reminder', ARGV[12] ~= '' and '1' or '0')
redis.call('ZADD', KEYS[5], ARGV[6], ARGV[8])
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[3], ARGV[2] .. '\n' .. ARGV[4], 'EX', ARGV[3])
end
return ARGV[4]
