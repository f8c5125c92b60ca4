-- KEYS: present, display, display-version.
-- ARGV: prefix, office, day, counter, now, lifetime.
-- Returns {queue number, booking code, state, counter, issued ms, called ms};
-- {0, '', 'none', '', '', ''} when nobody is waiting.
local next = redis.call('ZPOPMIN', KEYS[1])
if #next == 0 then return {0, '', 'none', '', '', ''} end
local n = next[1]
local ticket = ARGV[1] .. 'ticket:' .. ARGV[2] .. ':' .. ARGV[3] .. ':' .. n
redis.call('HSET', ticket, 'state', 'called', 'counter', ARGV[4], 'called_ms', ARGV[5])
local code = redis.call('HGET', ticket, 'code') or ''
if code ~= '' then redis.call('HSET', ARGV[1] .. 'booking:' .. code, 'visit', 'called') end
-- The call display: newest first, the last 20 kept, a version per change.
redis.call('LPUSH', KEYS[2], n .. '|' .. ARGV[4] .. '|' .. ARGV[5])
redis.call('LTRIM', KEYS[2], 0, 19)
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
return {tonumber(n), code, 'called', ARGV[4], redis.call('HGET', ticket, 'arrived_ms') or '',
        ARGV[5]}
