-- Writes a value unless a round has been published.
-- KEYS: the key to write, rounds. ARGV: the value.
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then
  return redis.error_reply('FAILED_PRECONDITION a round has been published; the season is frozen')
end
redis.call('SET', KEYS[1], ARGV[1])
return 1
