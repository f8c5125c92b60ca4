-- A temporary failure: releases the lease, acknowledges the stream entry and
-- queues a copy of the event for its retry time.
-- KEYS: delivery record, stream, retry queue, retry entry.
-- ARGV: group, id, retry at ms, attempts, field, value, ...
local current = redis.call('GET', KEYS[1])
if current and current ~= 'sent' then redis.call('DEL', KEYS[1]) end
redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
redis.call('DEL', KEYS[4])
redis.call('HSET', KEYS[4], '_attempts', ARGV[4], unpack(ARGV, 5))
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
return 1
