-- KEYS: ticket, outbox. ARGV: prefix, office.
-- Returns {queue number, booking code, state, counter, issued ms, called ms}
-- (the times '' until they happened).
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return redis.error_reply('NOT_FOUND [ticket_not_found] no such ticket') end
local code = redis.call('HGET', KEYS[1], 'code') or ''
local counter = redis.call('HGET', KEYS[1], 'counter') or ''
local times = redis.call('HMGET', KEYS[1], 'arrived_ms', 'called_ms')
local issued, called = times[1] or '', times[2] or ''
if state == 'completed' then return {0, code, 'completed', counter, issued, called} end
if state ~= 'called' then
  return redis.error_reply('FAILED_PRECONDITION [ticket_not_called] Die Wartenummer wurde ' ..
                           'noch nicht aufgerufen. / The ticket has not been called yet.')
end
redis.call('HSET', KEYS[1], 'state', 'completed')
if code ~= '' then redis.call('HSET', ARGV[1] .. 'booking:' .. code, 'visit', 'completed') end
redis.call('XADD', KEYS[2], '*', 'type', 'visit.completed',
           'code', code, 'office', ARGV[2])
return {0, code, 'completed', counter, issued, called}
