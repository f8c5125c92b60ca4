-- The retries due at `now`, each leased (its score moved to now + lease) so
-- that one a crashed replica took comes back after the lease.
-- KEYS: retry queue. ARGV: now ms, lease ms, max, retry entry key prefix.
-- Returns {{id, {field, value, ...}}, ...}.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local out = {}
for _, id in ipairs(due) do
  local flat = redis.call('HGETALL', ARGV[4] .. id)
  if #flat == 0 then
    redis.call('ZREM', KEYS[1], id)
  else
    redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), id)
    table.insert(out, {id, flat})
  end
end
return out
