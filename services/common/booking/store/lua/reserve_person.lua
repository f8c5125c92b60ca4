-- Step 1 of a confirmation (docs/redis-cluster.md, "reserve, take, commit"):
-- reserves one of the person's bookings in the person's own slot before the
-- office's slot takes the booking. Idempotent by hold id: a retry finds its
-- reservation and says yes again (refreshing its expiry).
-- KEYS: person, resv, then person-svc:<service> for each service in ARGV
--       (every key in the person's slot, all declared).
-- ARGV: now, hold id, start ms, window ms, max active, reservation expires ms,
--       delete after ms, reservation record ("<expires>|<start>|<services csv>"),
--       number of services n, services (n, in the order of their KEYS),
--       this booking's services csv, number of checked entries m, then m pairs
--       (entry, verdict) the caller read in the office slots:
--         'r:<hold>' -> code the hold became, '' if none (an expired reservation);
--         '<code>'   -> start ms, '' when the booking is cancelled or gone.
-- person: zset code or 'r:<hold>' -> appointment start (ms): counts against
-- the limit while the start lies ahead. resv: hash hold -> reservation record.
local now = tonumber(ARGV[1])
local hold = ARGV[2]
local start_ms = tonumber(ARGV[3])
local window = tonumber(ARGV[4])
local max_active = tonumber(ARGV[5])
local n = tonumber(ARGV[9])
local svc_key = {}
for i = 1, n do svc_key[ARGV[9 + i]] = KEYS[2 + i] end
local mine = ARGV[10 + n]
local m = tonumber(ARGV[11 + n])
local verdict = {}
for i = 1, m do verdict[ARGV[10 + n + 2 * i]] = ARGV[11 + n + 2 * i] end

local function services_of(record)
  local out = {}
  local csv = string.match(record or '', '^[^|]*|[^|]*|(.*)$') or ''
  for item in string.gmatch(csv, '[^,]+') do table.insert(out, item) end
  return out
end
local function extend(key, until_ms)
  if redis.call('PEXPIRETIME', key) < until_ms then redis.call('PEXPIREAT', key, until_ms) end
end

local member = 'r:' .. hold
local existing = redis.call('HGET', KEYS[2], hold)
if existing and tonumber(string.match(existing, '^([^|]*)|') or '0') > now then
  redis.call('HSET', KEYS[2], hold, ARGV[8])
  return 1
end
-- Its own reservation, expired: the quota may have gone to another booking
-- since, so it is reserved anew below, against the limit.
if existing then
  redis.call('ZREM', KEYS[1], member)
  for _, key in pairs(svc_key) do redis.call('ZREM', key, member) end
  redis.call('HDEL', KEYS[2], hold)
end
-- Settle what the caller checked: an expired reservation whose hold became a
-- booking is counted by that booking from now on, one that never did is
-- dropped; a booking cancelled (or gone) no longer counts, a moved one counts
-- by its new start. Expired reservations the caller did not check keep
-- counting (the safe side) until a later confirm checks them.
for entry, value in pairs(verdict) do
  if string.sub(entry, 1, 2) == 'r:' then
    local held = string.sub(entry, 3)
    local record = redis.call('HGET', KEYS[2], held)
    local expires = tonumber(string.match(record or '', '^([^|]*)|') or '0')
    if record and expires <= now then
      local score = redis.call('ZSCORE', KEYS[1], entry)
      if value ~= '' and score then redis.call('ZADD', KEYS[1], 'NX', score, value) end
      redis.call('ZREM', KEYS[1], entry)
      for _, service in ipairs(services_of(record)) do
        local key = svc_key[service]
        if key then
          local s = redis.call('ZSCORE', key, entry)
          if value ~= '' and s then redis.call('ZADD', key, 'NX', s, value) end
          redis.call('ZREM', key, entry)
        end
      end
      redis.call('HDEL', KEYS[2], held)
    end
  else
    if value == '' then
      redis.call('ZREM', KEYS[1], entry)
      for _, key in pairs(svc_key) do redis.call('ZREM', key, entry) end
    else
      redis.call('ZADD', KEYS[1], 'XX', value, entry)
      for _, key in pairs(svc_key) do redis.call('ZADD', key, 'XX', value, entry) end
    end
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= max_active then
  return redis.error_reply('FAILED_PRECONDITION [limit_reached] Die Höchstzahl offener ' ..
                           'Termine ist erreicht. / You have reached the limit of active bookings.')
end
for service in string.gmatch(mine, '[^,]+') do
  local key = svc_key[service]
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCOUNT', key, start_ms - window, start_ms + window) > 0 then
    return redis.error_reply('FAILED_PRECONDITION [service_already_booked] Für diese ' ..
                             'Leistung gibt es in diesem Zeitraum schon einen Termin. / You ' ..
                             'already have a booking for this service in that period.')
  end
end
local until_ms = tonumber(ARGV[7])
redis.call('ZADD', KEYS[1], start_ms, member)
extend(KEYS[1], until_ms)
for service in string.gmatch(mine, '[^,]+') do
  local key = svc_key[service]
  redis.call('ZADD', key, start_ms, member)
  extend(key, until_ms)
end
redis.call('HSET', KEYS[2], hold, ARGV[8])
extend(KEYS[2], until_ms)
return 1
