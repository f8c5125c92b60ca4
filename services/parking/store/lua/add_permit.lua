-- Adds a permit and keeps the plate's permit record until the last one ends.
-- KEYS: permits. ARGV: permit id, permit JSON, valid_until unix seconds.
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local until_ms = tonumber(ARGV[3]) * 1000
local ttl = redis.call('PEXPIRETIME', KEYS[1])
if ttl < until_ms then redis.call('PEXPIREAT', KEYS[1], until_ms) end
return 1
