-- KEYS: marker, all-offices index.
-- ARGV: key prefix, version, service count, then (id, json) per service, then
--       (id, district, json) per office.
if redis.call('GET', KEYS[1]) == ARGV[2] then return 0 end
local prefix = ARGV[1]
local services = tonumber(ARGV[3])
local i = 4
for _ = 1, services do
  redis.call('SET', prefix .. 'service:' .. ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  local old = redis.call('GET', prefix .. 'office:' .. ARGV[i])
  if old then
    local old_district = cjson.decode(old)['district']
    if old_district and old_district ~= ARGV[i + 1] then
      redis.call('ZREM', prefix .. 'district:' .. old_district, ARGV[i])
    end
  end
  redis.call('SET', prefix .. 'office:' .. ARGV[i], ARGV[i + 2])
  redis.call('ZADD', KEYS[2], 0, ARGV[i])
  redis.call('ZADD', prefix .. 'district:' .. ARGV[i + 1], 0, ARGV[i])
  i = i + 3
end
redis.call('SET', KEYS[1], ARGV[2])
return 1
