-- KEYS: rounds, round:N+1, version, offer keys. ARGV: N, version seen, document,
-- N+1, then 10 fields per offer key.
if redis.call('EXISTS', KEYS[2]) == 1 then
  return redis.error_reply('ALREADY_EXISTS round ' .. ARGV[4] .. ' is already published')
end
if tostring(tonumber(redis.call('GET', KEYS[1]) or '0')) ~= ARGV[1] then
  return redis.error_reply('ABORTED another round was published meanwhile')
end
if (redis.call('GET', KEYS[3]) or '0') ~= ARGV[2] then
  return redis.error_reply('ABORTED offers were answered meanwhile; publish again')
end
redis.call('SET', KEYS[2], ARGV[3])
redis.call('SET', KEYS[1], ARGV[4])
local fields = {'state', 'program', 'round', 'deadline', 'kind', 'held', 'declined', 'explanation',
                'last_round', 'waiting'}
for i = 4, #KEYS do
  local base = 5 + (i - 4) * #fields
  redis.call('DEL', KEYS[i])
  for f = 1, #fields do redis.call('HSET', KEYS[i], fields[f], ARGV[base + f - 1]) end
end
redis.call('INCR', KEYS[3])
return 1
