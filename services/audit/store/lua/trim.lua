-- Trims the oldest records of the audit chain and moves its anchor past them,
-- so that the kept rest still verifies. ABORTED if the anchor moved since the
-- caller read it (another sweeper was first).
-- KEYS[1] anchor (hash: first_sequence, previous_hash)  KEYS[2] records
-- KEYS[3] time index  KEYS[4..] actor and object indexes of the trimmed records
-- ARGV[1] expected first sequence  ARGV[2] new first sequence
-- ARGV[3] new previous hash  ARGV[4] n, then n sequences to trim; then for each
-- of KEYS[4..] in order: a count and the sequences to remove from that index.
local first = redis.call('HGET', KEYS[1], 'first_sequence') or '1'
if first ~= ARGV[1] then
  return redis.error_reply('ABORTED audit anchor moved')
end
local n = tonumber(ARGV[4])
local at = 5
for i = 1, n do
  redis.call('HDEL', KEYS[2], ARGV[at])
  redis.call('ZREM', KEYS[3], ARGV[at])
  at = at + 1
end
for k = 4, #KEYS do
  local count = tonumber(ARGV[at])
  at = at + 1
  for i = 1, count do
    redis.call('ZREM', KEYS[k], ARGV[at])
    at = at + 1
  end
end
redis.call('HSET', KEYS[1], 'first_sequence', ARGV[2], 'previous_hash', ARGV[3])
return 'OK'
