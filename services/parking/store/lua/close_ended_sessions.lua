-- Closes the listed sessions of one bucket that have ended by the cutoff.
-- KEYS: the bucket's unsettled ends, then the sessions. ARGV: cutoff_ms, then
-- the session ids in the order of their keys. Returns id, record, id, record, ...
local cutoff = tonumber(ARGV[1])
local records = {}
for i = 2, #KEYS do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) <= cutoff then
    if redis.call('EXISTS', KEYS[i]) == 1 then
      redis.call('HSET', KEYS[i], 'closed', '1')
      records[#records + 1] = ARGV[i]
      records[#records + 1] = redis.call('HGETALL', KEYS[i])
    else
      redis.call('ZREM', KEYS[1], ARGV[i])
    end
  end
end
return records
