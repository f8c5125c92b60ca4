-- KEYS: present, ticket-seq, outbox. ARGV: now, prefix, office, day, services, lifetime.
-- Returns {queue number, booking code, state, counter, issued ms, called ms}
-- (the times '' until they happened).
local n = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
local ticket = ARGV[2] .. 'ticket:' .. ARGV[3] .. ':' .. ARGV[4] .. ':' .. n
redis.call('HSET', ticket, 'code', '', 'state', 'waiting', 'counter', '', 'services', ARGV[5],
           'arrived_ms', ARGV[1])
redis.call('PEXPIRE', ticket, ARGV[6])
redis.call('ZADD', KEYS[1], ARGV[1], n)
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('XADD', KEYS[3], '*', 'type', 'visit.walk_in',
           'office', ARGV[3], 'services', ARGV[5], 'at_ms', ARGV[1])
return {n, '', 'waiting', '', ARGV[1], ''}
