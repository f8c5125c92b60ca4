-- KEYS: office key, all-offices index, new district index, office -> district
--       key hash.
-- ARGV: office id, office JSON, new district key (folded), district index
--       prefix.
local old = redis.call('HGET', KEYS[4], ARGV[1])
if old and old ~= ARGV[3] then
  redis.call('ZREM', ARGV[4] .. old, ARGV[1])
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
return 1
