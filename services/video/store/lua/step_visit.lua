-- KEYS: visit, booking, outbox.
-- ARGV: expected state, delete after ms, event type, code, then field/value
--       pairs of the new visit (state first).
local status = redis.call('HGET', KEYS[2], 'status')
if not status then return redis.error_reply('NOT_FOUND [booking_not_found] no such consultation') end
if status ~= 'confirmed' then
  return redis.error_reply('FAILED_PRECONDITION [booking_cancelled] the booking is cancelled')
end
local current = redis.call('HGET', KEYS[1], 'state') or 'booked'
if current ~= ARGV[1] then
  return redis.error_reply('ABORTED the consultation changed meanwhile; reload it')
end
local fields = {}
for i = 5, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
local state = ARGV[6]
-- The booking's `visit` as the booking library reads it: once checked in, the
-- citizen can no longer cancel or move it; after the consultation it counts as
-- completed or missed (not cancelled as well).
local booking_visit = {waiting = 'waiting', admitted = 'waiting', closed = 'completed',
                       ['no-show'] = 'no_show'}
if booking_visit[state] then redis.call('HSET', KEYS[2], 'visit', booking_visit[state]) end
redis.call('XADD', KEYS[3], '*', 'type', ARGV[3], 'code', ARGV[4],
           'state', state, 'caseworker', redis.call('HGET', KEYS[2], 'office'),
           'services', redis.call('HGET', KEYS[2], 'services'))
return 1
