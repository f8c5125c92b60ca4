-- Takes one token from every bucket, or none (redis_rate_limit_store.cc).
-- KEYS: the buckets. ARGV[1]: now in ms; then per bucket its capacity and its
-- refill period in ms. Returns {1, 0}, or {0, wait_ms} until the emptiest has one.
local now = tonumber(ARGV[1])
local tokens, stamps = {}, {}
local wait = 0
for i = 1, #KEYS do
  local capacity = tonumber(ARGV[2 * i])
  local rate = capacity / tonumber(ARGV[2 * i + 1])
  local state = redis.call('HMGET', KEYS[i], 't', 'ts')
  local t, ts = tonumber(state[1]), tonumber(state[2])
  if t == nil or ts == nil then
    t, ts = capacity, now
  end
  if now > ts then
    t = math.min(capacity, t + (now - ts) * rate)
    ts = now
  end
  tokens[i], stamps[i] = t, ts
  if t < 1 then
    local need = math.ceil((1 - t) / rate)
    if need > wait then wait = need end
  end
end
if wait > 0 then
  return {0, wait}
end
for i = 1, #KEYS do
  local capacity = tonumber(ARGV[2 * i])
  local period = tonumber(ARGV[2 * i + 1])
  local left = tokens[i] - 1
  redis.call('HSET', KEYS[i], 't', tostring(left), 'ts', tostring(stamps[i]))
  redis.call('PEXPIRE', KEYS[i], math.ceil((capacity - left) * period / capacity) + 1000)
end
return {1, 0}
