-- Runs after booking_prelude.lua (services/common/booking/store/lua).
-- KEYS: booking, present, ticket-seq, outbox. ARGV: now, prefix, office, day, code, lifetime.
-- Returns {queue number, booking code, state, counter, issued ms, called ms}
-- (the times '' until they happened).
local booking = hash(KEYS[1])
if booking.code == nil or booking.office ~= ARGV[3] or booking.day ~= ARGV[4] then
  return redis.error_reply('NOT_FOUND [booking_not_found] no booking with this code at this office today')
end
if booking.status ~= 'confirmed' then
  return redis.error_reply('FAILED_PRECONDITION [booking_cancelled] the booking is cancelled')
end
if booking.visit == 'no_show' then
  return redis.error_reply('FAILED_PRECONDITION [visit_no_show] the booking was marked as a no-show')
end
if booking.ticket ~= nil and booking.ticket ~= '' then
  local drawn = redis.call('HMGET', ARGV[2] .. 'ticket:' .. ARGV[3] .. ':' .. ARGV[4] .. ':' ..
                           booking.ticket, 'counter', 'arrived_ms', 'called_ms')
  return {tonumber(booking.ticket), booking.code, booking.visit, drawn[1] or '', drawn[2] or '',
          drawn[3] or ''}
end
local n = redis.call('INCR', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[6])
local ticket = ARGV[2] .. 'ticket:' .. ARGV[3] .. ':' .. ARGV[4] .. ':' .. n
redis.call('HSET', ticket, 'code', booking.code, 'state', 'waiting', 'counter', '',
           'arrived_ms', ARGV[1])
redis.call('PEXPIRE', ticket, ARGV[6])
redis.call('ZADD', KEYS[2], booking.start_ms, n)
redis.call('PEXPIRE', KEYS[2], ARGV[6])
redis.call('HSET', KEYS[1], 'visit', 'waiting', 'ticket', n)
redis.call('XADD', KEYS[4], '*', 'type', 'visit.checked_in',
           'code', booking.code, 'office', ARGV[3], 'start_ms', booking.start_ms, 'at_ms', ARGV[1])
return {n, booking.code, 'waiting', '', ARGV[1], ''}
