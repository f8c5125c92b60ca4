-- Moves an application's one-per-child entry from the plain child key
-- written before sealing to its keyed hash, unless the entry changed meanwhile.
-- KEYS: children, child_of. ARGV: id, the plain child key, the hash.
-- Returns 1 when it moved the entry, else 0.
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
if redis.call('HGET', KEYS[1], ARGV[2]) == ARGV[1] then redis.call('HDEL', KEYS[1], ARGV[2]) end
local holder = redis.call('HGET', KEYS[1], ARGV[3])
if not holder then redis.call('HSET', KEYS[1], ARGV[3], ARGV[1]) end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
