-- Runs after booking_prelude.lua. KEYS: hold, booking, person, outbox.
-- ARGV: now, hold id, client, prefix, code, max active, window ms, delete
--       after ms, token nonce, token hash, sealed contact, person key, remind at ms,
--       attributes.
local now = tonumber(ARGV[1])
local prefix = ARGV[4]
local hold = hash(KEYS[1])
if hold.client == nil or hold.client ~= ARGV[3] then
  return redis.error_reply('NOT_FOUND hold not found')
end
if hold.code ~= nil and hold.code ~= '' then return hold.code end
if tonumber(hold.expires_ms) <= now then
  return redis.error_reply('FAILED_PRECONDITION the hold has expired; hold the slot again')
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return redis.error_reply('ALREADY_EXISTS booking code taken')
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[6]) then
  return redis.error_reply('FAILED_PRECONDITION you have reached the limit of active bookings')
end
local start_ms = tonumber(hold.start_ms)
local window = tonumber(ARGV[7])
local services = split(hold.services)
for _, service in ipairs(services) do
  local key = prefix .. 'person-svc:' .. ARGV[12] .. ':' .. service
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCOUNT', key, start_ms - window, start_ms + window) > 0 then
    return redis.error_reply('FAILED_PRECONDITION you already have a booking for this service in that period')
  end
end
local first, count = tonumber(hold.first), tonumber(hold.count)
local day_suffix = hold.office .. ':' .. hold.day
redis.call('ZREM', prefix .. 'holds:' .. day_suffix, ARGV[2] .. ':' .. first .. ':' .. count)
add_booked(prefix .. 'booked:' .. day_suffix, first, count, 1)
redis.call('HSET', KEYS[2], 'code', ARGV[5], 'nonce', ARGV[9], 'token_hash', ARGV[10],
           'office', hold.office, 'day', hold.day, 'first', first, 'count', count,
           'services', hold.services, 'start_ms', hold.start_ms, 'end_ms', hold.end_ms,
           'status', 'confirmed', 'contact', ARGV[11], 'person', ARGV[12], 'client', ARGV[3],
           'attrs', ARGV[14])
redis.call('PEXPIREAT', KEYS[2], ARGV[8])
redis.call('ZADD', KEYS[3], start_ms, ARGV[5])
redis.call('PEXPIREAT', KEYS[3], ARGV[8])
for _, service in ipairs(services) do
  local key = prefix .. 'person-svc:' .. ARGV[12] .. ':' .. service
  redis.call('ZADD', key, start_ms, ARGV[5])
  redis.call('PEXPIREAT', key, ARGV[8])
end
if tonumber(ARGV[13]) > now then
  redis.call('ZADD', prefix .. 'reminders', ARGV[13], ARGV[5])
end
local day_index = prefix .. 'day:' .. day_suffix
redis.call('ZADD', day_index, start_ms, ARGV[5])
redis.call('PEXPIREAT', day_index, ARGV[8])
redis.call('HSET', KEYS[1], 'code', ARGV[5])
redis.call('DEL', prefix .. 'client-hold:' .. ARGV[3])
redis.call('XADD', KEYS[4], '*', 'type', 'booking.confirmed',
           'code', ARGV[5], 'office', hold.office, 'start_ms', hold.start_ms,
           'end_ms', hold.end_ms, 'services', hold.services, 'contact', ARGV[11],
           'nonce', ARGV[9], 'seq', 0)
return ARGV[5]
