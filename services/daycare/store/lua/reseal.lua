-- Replaces one value written before sealing by its sealed form, unless it
-- changed meanwhile (then the writer sealed it already, or it is gone).
-- KEYS: the key. ARGV: kind ("hash" | "string" | "list"), where (the hash
-- field | "" | the list index), the plain value, the sealed value, the new
-- hash field (may differ from the old one: a verdict's field becomes a hash).
-- Returns 1 when it replaced the value, else 0.
local kind, where, old, new = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if kind == 'hash' then
  if redis.call('HGET', KEYS[1], where) ~= old then return 0 end
  if ARGV[5] ~= where then redis.call('HDEL', KEYS[1], where) end
  redis.call('HSET', KEYS[1], ARGV[5], new)
elseif kind == 'string' then
  if redis.call('GET', KEYS[1]) ~= old then return 0 end
  redis.call('SET', KEYS[1], new)
elseif kind == 'list' then
  if redis.call('LINDEX', KEYS[1], tonumber(where)) ~= old then return 0 end
  redis.call('LSET', KEYS[1], tonumber(where), new)
else
  return redis.error_reply('INVALID_ARGUMENT unknown kind')
end
return 1
