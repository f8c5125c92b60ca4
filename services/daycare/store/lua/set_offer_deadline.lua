-- KEYS: version, offer keys. ARGV: round, new deadline, now.
local moved = 0
for i = 2, #KEYS do
  local offer = redis.call('HMGET', KEYS[i], 'state', 'round', 'deadline')
  if offer[1] == 'open' and offer[2] == ARGV[1] and tonumber(offer[3]) > tonumber(ARGV[3]) then
    redis.call('HSET', KEYS[i], 'deadline', ARGV[2])
    moved = moved + 1
  end
end
redis.call('INCR', KEYS[1])
return moved
