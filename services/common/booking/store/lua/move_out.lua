-- Step 2 of a move to a resource of another bucket: the old bucket gives its
-- place back and its record becomes a stub pointing at the new bucket (which
-- holds the moved record as `moving:<code>` since step 1).
-- Runs after booking_prelude.lua. KEYS: booking. ARGV: prefix, new bucket,
-- delete after ms, the record's seq when it was read (a change since refuses).
local booking = hash(KEYS[1])
if booking.code == nil then return redis.error_reply('NOT_FOUND [booking_not_found] no such booking') end
if booking.status ~= 'confirmed' then
  return redis.error_reply('FAILED_PRECONDITION [booking_cancelled] the booking is cancelled')
end
local refusal = visit_refusal(booking.visit)
if refusal then return refusal end
if (booking.seq or '0') ~= ARGV[4] then
  return redis.error_reply('ABORTED the booking changed meanwhile; try again')
end
local prefix = ARGV[1]
add_booked(prefix .. 'booked:' .. booking.office .. ':' .. booking.day, tonumber(booking.first),
           tonumber(booking.count), -1)
redis.call('ZREM', prefix .. 'day:' .. booking.office .. ':' .. booking.day, booking.code)
redis.call('ZREM', prefix .. 'reminders', booking.code)
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'at', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return 1
