-- The office's slot of a move; the caller then gives the booking its new start
-- in each person's slot. Runs after booking_prelude.lua. KEYS: booking, outbox. ARGV: now, prefix, office,
-- day, first, count, start ms, end ms, delete after ms, remind at ms, the office's
-- cause (kind, reference, reason; empty when the citizen moves it), capacities...
local now = tonumber(ARGV[1])
local prefix = ARGV[2]
local booking = hash(KEYS[1])
if booking.code == nil then return redis.error_reply('NOT_FOUND [booking_not_found] no such booking') end
if booking.status ~= 'confirmed' then
  return redis.error_reply('FAILED_PRECONDITION [booking_cancelled] the booking is cancelled')
end
local refusal = visit_refusal(booking.visit)
if refusal then return refusal end
local old_booked = prefix .. 'booked:' .. booking.office .. ':' .. booking.day
local new_booked = prefix .. 'booked:' .. ARGV[3] .. ':' .. ARGV[4]
local new_holds = prefix .. 'holds:' .. ARGV[3] .. ':' .. ARGV[4]
local first, count = tonumber(ARGV[5]), tonumber(ARGV[6])
-- All in one script, so nobody sees the moment in between: the booking's own
-- old place may be reused by the new one (moving by ten minutes), and if the
-- new place does not fit the old one is restored untouched.
add_booked(old_booked, tonumber(booking.first), tonumber(booking.count), -1)
if not fits(new_booked, new_holds, now, first, count, 14) then
  add_booked(old_booked, tonumber(booking.first), tonumber(booking.count), 1)
  return redis.error_reply('ABORTED [slot_taken] the new slot is no longer free; the booking is unchanged')
end
add_booked(new_booked, first, count, 1)
redis.call('ZREM', prefix .. 'day:' .. booking.office .. ':' .. booking.day, booking.code)
local new_index = prefix .. 'day:' .. ARGV[3] .. ':' .. ARGV[4]
redis.call('ZADD', new_index, ARGV[7], booking.code)
redis.call('PEXPIREAT', new_index, ARGV[9])
redis.call('HSET', KEYS[1], 'office', ARGV[3], 'day', ARGV[4], 'first', first, 'count', count,
           'start_ms', ARGV[7], 'end_ms', ARGV[8])
redis.call('PEXPIREAT', KEYS[1], ARGV[9])
if tonumber(ARGV[10]) > now then
  redis.call('ZADD', prefix .. 'reminders', ARGV[10], booking.code)
else
  redis.call('ZREM', prefix .. 'reminders', booking.code)
end
-- seq: the calendar SEQUENCE of the mailed invitation, raised by each change.
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
local event = {'XADD', KEYS[2], '*', 'type', 'booking.rescheduled',
               'code', booking.code, 'office', ARGV[3], 'start_ms', ARGV[7], 'end_ms', ARGV[8],
               'services', booking.services, 'contact', booking.contact, 'nonce', booking.nonce,
               'seq', seq}
add_cause(event, ARGV[11], ARGV[12], ARGV[13])
redis.call(unpack(event))
return 1
