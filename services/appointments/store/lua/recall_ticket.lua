-- KEYS: ticket, present, display, display-version.
-- ARGV: prefix, queue number, counter, now, lifetime.
-- Returns {queue number, booking code, state, counter, issued ms, called ms}
-- (the times '' until they happened).
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return redis.error_reply('NOT_FOUND [ticket_not_found] no such ticket') end
if state == 'completed' or state == 'cancelled' then
  return redis.error_reply('FAILED_PRECONDITION [ticket_closed] Die Wartenummer ist ' ..
                           'abgeschlossen. / The ticket is closed.')
end
local n = ARGV[2]
redis.call('ZREM', KEYS[2], n)
redis.call('HSET', KEYS[1], 'state', 'called', 'counter', ARGV[3], 'called_ms', ARGV[4])
local code = redis.call('HGET', KEYS[1], 'code') or ''
if code ~= '' then redis.call('HSET', ARGV[1] .. 'booking:' .. code, 'visit', 'called') end
redis.call('LPUSH', KEYS[3], n .. '|' .. ARGV[3] .. '|' .. ARGV[4])
redis.call('LTRIM', KEYS[3], 0, 19)
redis.call('PEXPIRE', KEYS[3], ARGV[5])
redis.call('INCR', KEYS[4])
redis.call('PEXPIRE', KEYS[4], ARGV[5])
return {tonumber(n), code, 'called', ARGV[3], redis.call('HGET', KEYS[1], 'arrived_ms') or '',
        ARGV[4]}
