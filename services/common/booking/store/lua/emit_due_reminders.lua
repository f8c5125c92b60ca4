-- Runs after booking_prelude.lua. KEYS: reminders, outbox. ARGV: now, max, prefix.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
local sent = 0
for _, code in ipairs(due) do
  redis.call('ZREM', KEYS[1], code)
  local booking = hash(ARGV[3] .. 'booking:' .. code)
  if booking.status == 'confirmed' then
    redis.call('XADD', KEYS[2], '*', 'type', 'booking.reminder',
               'code', code, 'office', booking.office, 'start_ms', booking.start_ms,
               'end_ms', booking.end_ms, 'services', booking.services, 'contact', booking.contact,
               'nonce', booking.nonce, 'seq', booking.seq or 0)
    sent = sent + 1
  end
end
return sent
