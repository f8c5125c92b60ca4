-- Counts a batch of events exactly once each (redis_monitoring_repository.cc).
-- KEYS: the period hashes and the event-id hashes (K keys with an expiry),
--       then the dimension value sets.
-- ARGV: max values per dimension key, K, K expire-at Unix seconds (0: never),
--       number of plans, each plan as <n periods> <period key indexes...>
--       <n dims> (<set key index> <value> <field suffix>)..., number of
--       events, each event as <event-id hash index> <event id> <plan number>
--       <value> <histogram bucket or "">.
-- Returns {accepted, duplicates, dimension values refused}.
local pos = 1
local function arg()
  pos = pos + 1
  return ARGV[pos - 1]
end
local max_values = tonumber(arg())
local expire = {}
for i = 1, tonumber(arg()) do expire[i] = tonumber(arg()) end
local plans = {}
for p = 1, tonumber(arg()) do
  local plan = {periods = {}, dims = {}}
  for i = 1, tonumber(arg()) do plan.periods[i] = tonumber(arg()) end
  for i = 1, tonumber(arg()) do
    plan.dims[i] = {set = KEYS[tonumber(arg())], value = arg(), suffix = arg()}
  end
  plans[p] = plan
end
local accepted, duplicates, refused = 0, 0, 0
for e = 1, tonumber(arg()) do
  local seen = KEYS[tonumber(arg())]
  local id = arg()
  local plan = plans[tonumber(arg())]
  local value = tonumber(arg())
  local bucket = arg()
  if redis.call('HSETNX', seen, id, '1') == 1 then
    accepted = accepted + 1
    plan.n = (plan.n or 0) + 1
    plan.s = (plan.s or 0) + value
    if bucket ~= '' then
      plan.h = plan.h or {}
      plan.h[bucket] = (plan.h[bucket] or 0) + 1
    end
  else
    duplicates = duplicates + 1
  end
end
-- Sum the plans' increments per hash field, so that each field is written once.
local acc = {}
local function add(k, field, delta)
  local fields = acc[k]
  if not fields then
    fields = {}
    acc[k] = fields
  end
  fields[field] = (fields[field] or 0) + delta
end
for _, plan in ipairs(plans) do
  if plan.n then
    local suffixes = {''}
    for _, d in ipairs(plan.dims) do
      if redis.call('SISMEMBER', d.set, d.value) == 1 or redis.call('SCARD', d.set) < max_values then
        redis.call('SADD', d.set, d.value)
        suffixes[#suffixes + 1] = d.suffix
      else
        refused = refused + plan.n
      end
    end
    for _, k in ipairs(plan.periods) do
      for _, suffix in ipairs(suffixes) do
        add(k, 'n' .. suffix, plan.n)
        add(k, 's' .. suffix, plan.s)
        if plan.h then
          for bucket, count in pairs(plan.h) do add(k, 'h' .. bucket .. suffix, count) end
        end
      end
    end
  end
end
for k, fields in pairs(acc) do
  for field, delta in pairs(fields) do
    if string.sub(field, 1, 1) == 's' then
      redis.call('HINCRBYFLOAT', KEYS[k], field, string.format('%.17g', delta))
    else
      redis.call('HINCRBY', KEYS[k], field, delta)
    end
  end
end
for k, at in ipairs(expire) do
  if at > 0 then redis.call('EXPIREAT', KEYS[k], at) end
end
return {accepted, duplicates, refused}
