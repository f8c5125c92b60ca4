-- Runs after booking_prelude.lua. KEYS: hold, booking, person (the first person key;
-- all of them are derived from ARGV, in the same hash slot), outbox.
-- Also indexes the booking and hold under <prefix>subject:<client>.
-- ARGV: now, hold id, client, prefix, code, max active, window ms, delete
--       after ms, token nonce, token hash, sealed contact, person keys (comma-
--       separated: the citizen's identity, e-mail, phone; each counts against
--       the limits), remind at ms, attributes, booked by (staff subject or '').
local now = tonumber(ARGV[1])
local prefix = ARGV[4]
local hold = hash(KEYS[1])
if hold.client == nil or hold.client ~= ARGV[3] then
  return redis.error_reply('NOT_FOUND [hold_not_found] hold not found')
end
if hold.code ~= nil and hold.code ~= '' then return hold.code end
if tonumber(hold.expires_ms) <= now then
  return redis.error_reply('FAILED_PRECONDITION [hold_expired] the hold has expired; hold the slot again')
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  return redis.error_reply('ALREADY_EXISTS booking code taken')
end
local persons = split(ARGV[12])
for _, person in ipairs(persons) do
  local key = prefix .. 'person:' .. person
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  if redis.call('ZCARD', key) >= tonumber(ARGV[6]) then
    return redis.error_reply('FAILED_PRECONDITION [limit_reached] Die Höchstzahl offener ' ..
                             'Termine ist erreicht. / You have reached the limit of active bookings.')
  end
end
local start_ms = tonumber(hold.start_ms)
local window = tonumber(ARGV[7])
local services = split(hold.services)
for _, service in ipairs(services) do
  for _, person in ipairs(persons) do
    local key = prefix .. 'person-svc:' .. person .. ':' .. service
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    if redis.call('ZCOUNT', key, start_ms - window, start_ms + window) > 0 then
      return redis.error_reply('FAILED_PRECONDITION [service_already_booked] Für diese ' ..
                               'Leistung gibt es in diesem Zeitraum schon einen Termin. / You ' ..
                               'already have a booking for this service in that period.')
    end
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
if ARGV[15] ~= nil and ARGV[15] ~= '' then redis.call('HSET', KEYS[2], 'booked_by', ARGV[15]) end
redis.call('PEXPIREAT', KEYS[2], ARGV[8])
for _, person in ipairs(persons) do
  local key = prefix .. 'person:' .. person
  redis.call('ZADD', key, start_ms, ARGV[5])
  redis.call('PEXPIREAT', key, ARGV[8])
  for _, service in ipairs(services) do
    local svc_key = prefix .. 'person-svc:' .. person .. ':' .. service
    redis.call('ZADD', svc_key, start_ms, ARGV[5])
    redis.call('PEXPIREAT', svc_key, ARGV[8])
  end
end
if tonumber(ARGV[13]) > now then
  redis.call('ZADD', prefix .. 'reminders', ARGV[13], ARGV[5])
end
local day_index = prefix .. 'day:' .. day_suffix
redis.call('ZADD', day_index, start_ms, ARGV[5])
redis.call('PEXPIREAT', day_index, ARGV[8])
redis.call('HSET', KEYS[1], 'code', ARGV[5])
redis.call('DEL', prefix .. 'client-hold:' .. ARGV[3])
-- The citizen's own bookings and holds by their subject, for export and
-- erasure (a booking staff made for a caller has no subject of the caller).
if ARGV[15] == nil or ARGV[15] == '' then
  local mine = prefix .. 'subject:' .. ARGV[3]
  redis.call('SADD', mine, 'b:' .. ARGV[5], 'h:' .. ARGV[2])
  if redis.call('PEXPIRETIME', mine) < tonumber(ARGV[8]) then
    redis.call('PEXPIREAT', mine, ARGV[8])
  end
end
local event = {'XADD', KEYS[4], '*', 'type', 'booking.confirmed',
               'code', ARGV[5], 'office', hold.office, 'start_ms', hold.start_ms,
               'end_ms', hold.end_ms, 'services', hold.services, 'contact', ARGV[11],
               'nonce', ARGV[9], 'seq', 0}
if ARGV[15] ~= nil and ARGV[15] ~= '' then
  table.insert(event, 'booked_by')
  table.insert(event, ARGV[15])
end
redis.call(unpack(event))
return ARGV[5]
