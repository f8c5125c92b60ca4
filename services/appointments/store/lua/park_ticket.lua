-- KEYS: ticket, present. ARGV: prefix, queue number.
-- Returns {queue number, booking code, state, counter, issued ms, called ms}
-- (the times '' until they happened).
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return redis.error_reply('NOT_FOUND [ticket_not_found] no such ticket') end
local code = redis.call('HGET', KEYS[1], 'code') or ''
local counter = redis.call('HGET', KEYS[1], 'counter') or ''
local times = redis.call('HMGET', KEYS[1], 'arrived_ms', 'called_ms')
local issued, called = times[1] or '', times[2] or ''
if state == 'parked' then return {tonumber(ARGV[2]), code, 'parked', counter, issued, called} end
if state == 'completed' or state == 'cancelled' then
  return redis.error_reply('FAILED_PRECONDITION [ticket_closed] Die Wartenummer ist ' ..
                           'abgeschlossen. / The ticket is closed.')
end
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[1], 'state', 'parked')
if code ~= '' then redis.call('HSET', ARGV[1] .. 'booking:' .. code, 'visit', 'parked') end
return {tonumber(ARGV[2]), code, 'parked', counter, issued, called}
