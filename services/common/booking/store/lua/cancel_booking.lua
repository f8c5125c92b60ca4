-- The office's slot of a cancellation; the caller then drops the booking from
-- each person's slot (office first: the booking is the truth).
-- Runs after booking_prelude.lua. KEYS: booking, outbox.
-- ARGV: now, prefix, whether a check-in closes the booking ('1'), then the
-- office's cause (kind, reference, reason; empty when the citizen cancels).
local booking = hash(KEYS[1])
if booking.code == nil then return redis.error_reply('NOT_FOUND [booking_not_found] no such booking') end
if booking.status == 'cancelled' then return 0 end
-- The office (a cause is given) never cancels a visit that has begun, even
-- where the citizen may.
if ARGV[3] == '1' or (ARGV[4] or '') ~= '' then
  local refusal = visit_refusal(booking.visit)
  if refusal then return refusal end
end
local prefix = ARGV[2]
add_booked(prefix .. 'booked:' .. booking.office .. ':' .. booking.day,
           tonumber(booking.first), tonumber(booking.count), -1)
redis.call('HSET', KEYS[1], 'status', 'cancelled')
redis.call('ZREM', prefix .. 'day:' .. booking.office .. ':' .. booking.day, booking.code)
redis.call('ZREM', prefix .. 'reminders', booking.code)
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local event = {'XADD', KEYS[2], '*', 'type', 'booking.cancelled',
               'code', booking.code, 'office', booking.office, 'start_ms', booking.start_ms,
               'end_ms', booking.end_ms, 'services', booking.services, 'contact', booking.contact,
               'nonce', booking.nonce, 'seq', seq}
add_cause(event, ARGV[4], ARGV[5], ARGV[6])
redis.call(unpack(event))
return 1
