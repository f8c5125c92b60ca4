-- KEYS: office key, all-offices index, new district index.
-- ARGV: office id, office JSON, new district, district key prefix.
local old = redis.call('GET', KEYS[1])
if old then
  local old_district = cjson.decode(old)['district']
  if old_district and old_district ~= ARGV[3] then
    redis.call('ZREM', ARGV[4] .. old_district, ARGV[1])
  end
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], 0, ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
return 1
