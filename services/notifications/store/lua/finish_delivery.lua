-- Records a sent mail (record ttl > 0) and acknowledges its event, in the
-- stream and in the retry queue.
-- KEYS: delivery record, stream, retry queue, retry entry. ARGV: group, id, record ttl ms.
if tonumber(ARGV[3]) > 0 then redis.call('SET', KEYS[1], 'sent', 'PX', ARGV[3]) end
redis.call('XACK', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('DEL', KEYS[4])
return 1
