-- A permanent failure: releases the lease, acknowledges the event (stream and
-- retry queue) and appends it to the dead-letter stream.
-- KEYS: delivery record, stream, retry queue, retry entry, dead-letter stream.
-- ARGV: group, id, reason, attempts, field, value, ...
local current = redis.call('GET', KEYS[1])
if current and current ~= 'sent' then redis.call('DEL', KEYS[1]) end
redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('DEL', KEYS[4])
return redis.call('XADD', KEYS[5], '*', '_source_id', ARGV[2], '_reason', ARGV[3],
                  '_attempts', ARGV[4], unpack(ARGV, 5))
