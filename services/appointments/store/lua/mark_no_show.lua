-- Runs after booking_prelude.lua (services/common/booking/store/lua).
-- KEYS: booking, no-shows, outbox. ARGV: office, day, lifetime, now.
local booking = hash(KEYS[1])
if booking.code == nil or booking.office ~= ARGV[1] or booking.day ~= ARGV[2] then
  return redis.error_reply('NOT_FOUND [booking_not_found] no such booking on this day')
end
if booking.visit == 'no_show' then return 0 end
if booking.status ~= 'confirmed' then
  return redis.error_reply('FAILED_PRECONDITION [booking_cancelled] the booking is cancelled')
end
if booking.visit ~= nil and booking.visit ~= '' then
  return redis.error_reply('FAILED_PRECONDITION [already_checked_in] the citizen has arrived')
end
redis.call('HSET', KEYS[1], 'visit', 'no_show')
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('XADD', KEYS[3], '*', 'type', 'visit.no_show',
           'code', booking.code, 'office', ARGV[1], 'start_ms', booking.start_ms, 'at_ms', ARGV[4])
return 1
