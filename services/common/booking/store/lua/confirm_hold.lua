-- Step 2 of a confirmation ("take", docs/redis-cluster.md): the office's slot
-- turns the hold into the booking. The person's limits are not checked here:
-- step 1 reserved the booking in each person's own slot (reserve_person.lua)
-- and step 3 commits it there (commit_person.lua). Retried, it returns the
-- code it wrote. Runs after booking_prelude.lua. KEYS: hold, booking, outbox.
-- ARGV: now, hold id, client, prefix, code, (unused: 6, 7), delete after ms,
--       token nonce, token hash, sealed contact, person keys (comma-separated:
--       the citizen's identity, e-mail, phone; kept in the record, so that a
--       cancel or move finds the persons' slots), remind at ms, attributes,
--       booked by (staff subject or '').
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
local start_ms = tonumber(hold.start_ms)
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
if tonumber(ARGV[13]) > now then
  redis.call('ZADD', prefix .. 'reminders', ARGV[13], ARGV[5])
end
local day_index = prefix .. 'day:' .. day_suffix
redis.call('ZADD', day_index, start_ms, ARGV[5])
redis.call('PEXPIREAT', day_index, ARGV[8])
redis.call('HSET', KEYS[1], 'code', ARGV[5])
local event = {'XADD', KEYS[3], '*', 'type', 'booking.confirmed',
               'code', ARGV[5], 'office', hold.office, 'start_ms', hold.start_ms,
               'end_ms', hold.end_ms, 'services', hold.services, 'contact', ARGV[11],
               'nonce', ARGV[9], 'seq', 0}
if ARGV[15] ~= nil and ARGV[15] ~= '' then
  table.insert(event, 'booked_by')
  table.insert(event, ARGV[15])
end
redis.call(unpack(event))
return ARGV[5]
