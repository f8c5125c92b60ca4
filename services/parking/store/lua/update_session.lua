-- Extends or stops a session that is still active and belongs to the caller.
-- KEYS: session, the plate's sessions (hash owner -> latest session JSON),
--       idempotency record, outbox, the bucket's unsettled ends (a stopped
--       session is settled by the stop), the bucket's reminders (an extension
--       moves the session's reminder to the new end, also when it was sent
--       already; a stop cancels it).
-- ARGV: now_ms, fingerprint, idempotency ttl s, answer JSON, retention ms,
--       new end_ms, remind_at_ms, session id, owner, "extend"|"stop", price,
--       stopped flag, plate memory ms.
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
local stored = redis.call('HMGET', KEYS[1], 'owner', 'end', 'closed')
if not stored[1] or stored[1] ~= ARGV[9] then
  return redis.error_reply('NOT_FOUND [session_not_found] session not found')
end
local now = tonumber(ARGV[1])
local current_end = tonumber(stored[2])
local new_end = tonumber(ARGV[6])
if current_end <= now or stored[3] == '1' then
  return redis.error_reply('FAILED_PRECONDITION [session_ended] session has ended')
end
if ARGV[10] == 'extend' and new_end <= current_end then
  return redis.error_reply('INVALID_ARGUMENT [end_not_after_current_end] new end must be after the current end')
end
local expire_at = new_end + tonumber(ARGV[5])
redis.call('HSET', KEYS[1], 'end', ARGV[6], 'price', ARGV[11], 'stopped', ARGV[12])
redis.call('PEXPIREAT', KEYS[1], expire_at)
local mine = redis.call('HGET', KEYS[2], ARGV[9])
if mine then
  local ok, latest = pcall(cjson.decode, mine)
  if ok and type(latest) == 'table' and latest['id'] == ARGV[8] then
    redis.call('HSET', KEYS[2], ARGV[9], ARGV[4])
    local keep_until = new_end + tonumber(ARGV[13])
    if redis.call('PEXPIRETIME', KEYS[2]) < keep_until then
      redis.call('PEXPIREAT', KEYS[2], keep_until)
    end
  end
end
local event = 'session.stopped'
if ARGV[10] == 'extend' then
  event = 'session.extended'
  redis.call('ZADD', KEYS[5], ARGV[6], ARGV[8])
  if redis.call('HEXISTS', KEYS[1], 'notify') == 1 then
    redis.call('ZADD', KEYS[6], ARGV[7], ARGV[8])
  end
else
  redis.call('ZREM', KEYS[5], ARGV[8])
  redis.call('ZREM', KEYS[6], ARGV[8])
end
redis.call('XADD', KEYS[4], '*', 'type', event, 'session', ARGV[8],
           'owner', ARGV[9], 'end_ms', ARGV[6], 'remind_at_ms', ARGV[7], 'price_cents', ARGV[11])
if ARGV[2] ~= '' then
  redis.call('SET', KEYS[3], ARGV[2] .. '\n' .. ARGV[4], 'EX', ARGV[3])
end
return ARGV[4]
