-- Appends one sealed record to the audit chain if the chain head is still
-- where the caller read it (compare-and-set: concurrent appenders never fork
-- the chain; the loser re-seals on the new head and tries again).
-- KEYS[1] head (hash: sequence, hash)   KEYS[2] records (hash: sequence -> record)
-- KEYS[3] time index (zset)             KEYS[4] event key (idempotency)
-- KEYS[5..] actor and object indexes (zsets)
-- ARGV[1] expected head sequence  ARGV[2] new sequence  ARGV[3] stored record
-- ARGV[4] new hash  ARGV[5] time score (unix microseconds)  ARGV[6] event key TTL (s)
-- Returns {"appended", seq}, {"duplicate", seq} or {"conflict", head seq, head hash}.
local known = redis.call('GET', KEYS[4])
if known then
  return {'duplicate', known}
end
local head = redis.call('HGET', KEYS[1], 'sequence') or '0'
if head ~= ARGV[1] then
  return {'conflict', head, redis.call('HGET', KEYS[1], 'hash') or ''}
end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[1], 'sequence', ARGV[2], 'hash', ARGV[4])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
for i = 5, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[5], ARGV[2])
end
redis.call('SET', KEYS[4], ARGV[2], 'EX', ARGV[6])
return {'appended', ARGV[2]}
