-- Step 3 of a move to a resource of another bucket: the moved record becomes
-- the booking in the new bucket, its hold the booked place, with the day
-- index, the reminder and the booking.rescheduled event. Idempotent: run
-- again (the mover's retry, or a reader that finds the stub pointing here and
-- the record still `moving`) it changes nothing. Runs after booking_prelude.lua.
-- KEYS: booking, moving, outbox. ARGV: now, prefix.
local now = tonumber(ARGV[1])
local prefix = ARGV[2]
local m = hash(KEYS[2])
if m.code == nil then
  if redis.call('HEXISTS', KEYS[1], 'code') == 1 then return 0 end
  return redis.error_reply('NOT_FOUND [booking_not_found] no such booking')
end
local control = {hold_member = true, delete_after = true, remind_at = true, cause = true,
                 cause_ref = true, cause_reason = true}
redis.call('DEL', KEYS[1])
local record = {'HSET', KEYS[1]}
for field, value in pairs(m) do
  if not control[field] then
    table.insert(record, field)
    table.insert(record, value)
  end
end
redis.call(unpack(record))
redis.call('PEXPIREAT', KEYS[1], m.delete_after)
local day_suffix = m.office .. ':' .. m.day
redis.call('ZREM', prefix .. 'holds:' .. day_suffix, m.hold_member)
add_booked(prefix .. 'booked:' .. day_suffix, tonumber(m.first), tonumber(m.count), 1)
local index = prefix .. 'day:' .. day_suffix
redis.call('ZADD', index, m.start_ms, m.code)
if redis.call('PEXPIRETIME', index) < tonumber(m.delete_after) then
  redis.call('PEXPIREAT', index, m.delete_after)
end
if tonumber(m.remind_at) > now then redis.call('ZADD', prefix .. 'reminders', m.remind_at, m.code) end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local event = {'XADD', KEYS[3], '*', 'type', 'booking.rescheduled',
               'code', m.code, 'office', m.office, 'start_ms', m.start_ms, 'end_ms', m.end_ms,
               'services', m.services, 'contact', m.contact, 'nonce', m.nonce, 'seq', seq}
add_cause(event, m.cause, m.cause_ref, m.cause_reason)
redis.call(unpack(event))
redis.call('DEL', KEYS[2])
return 1
