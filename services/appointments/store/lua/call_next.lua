-- KEYS: present. ARGV: prefix, office, day, counter.
-- Returns {queue number, booking code, state, counter}.
local next = redis.call('ZPOPMIN', KEYS[1])
if #next == 0 then return redis.error_reply('NOT_FOUND nobody is waiting') end
local n = next[1]
local ticket = ARGV[1] .. 'ticket:' .. ARGV[2] .. ':' .. ARGV[3] .. ':' .. n
redis.call('HSET', ticket, 'state', 'called', 'counter', ARGV[4])
local code = redis.call('HGET', ticket, 'code') or ''
if code ~= '' then redis.call('HSET', ARGV[1] .. 'booking:' .. code, 'visit', 'called') end
return {tonumber(n), code, 'called', ARGV[4]}
