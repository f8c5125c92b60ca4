-- KEYS: ticket, present, outbox. ARGV: prefix, office, queue number, now.
-- Returns {queue number, booking code, state, counter, issued ms, called ms}
-- (the times '' until they happened).
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return redis.error_reply('NOT_FOUND [ticket_not_found] no such ticket') end
local code = redis.call('HGET', KEYS[1], 'code') or ''
local counter = redis.call('HGET', KEYS[1], 'counter') or ''
local times = redis.call('HMGET', KEYS[1], 'arrived_ms', 'called_ms')
local issued, called = times[1] or '', times[2] or ''
if state == 'cancelled' then
  return {tonumber(ARGV[3]), code, 'cancelled', counter, issued, called}
end
if state == 'completed' then
  return redis.error_reply('FAILED_PRECONDITION [ticket_closed] Die Wartenummer ist ' ..
                           'abgeschlossen. / The ticket is closed.')
end
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('HSET', KEYS[1], 'state', 'cancelled')
if code ~= '' then
  -- The citizen left: the booking is open again (a later check-in gets a new
  -- ticket, or a no-show after the grace period).
  local booking = ARGV[1] .. 'booking:' .. code
  if redis.call('HGET', booking, 'ticket') == ARGV[3] then
    redis.call('HDEL', booking, 'visit', 'ticket')
  end
end
redis.call('XADD', KEYS[3], '*', 'type', 'visit.ticket_cancelled',
           'code', code, 'office', ARGV[2], 'ticket', ARGV[3], 'at_ms', ARGV[4])
return {tonumber(ARGV[3]), code, 'cancelled', counter, issued, called}
