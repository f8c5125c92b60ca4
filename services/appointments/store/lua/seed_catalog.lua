-- KEYS: marker, all-offices index, office -> district key hash.
-- ARGV: key prefix, version, service count, then (id, json) per service, then
--       (id, district key (folded), json) per office.
if redis.call('GET', KEYS[1]) == ARGV[2] then return 0 end
local prefix = ARGV[1]
local services = tonumber(ARGV[3])
local i = 4
for _ = 1, services do
  redis.call('SET', prefix .. 'service:' .. ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  local old = redis.call('HGET', KEYS[3], ARGV[i])
  if old and old ~= ARGV[i + 1] then
    redis.call('ZREM', prefix .. 'district-key:' .. old, ARGV[i])
  end
  redis.call('SET', prefix .. 'office:' .. ARGV[i], ARGV[i + 2])
  redis.call('ZADD', KEYS[2], 0, ARGV[i])
  redis.call('ZADD', prefix .. 'district-key:' .. ARGV[i + 1], 0, ARGV[i])
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1])
  i = i + 3
end
redis.call('SET', KEYS[1], ARGV[2])
return 1
