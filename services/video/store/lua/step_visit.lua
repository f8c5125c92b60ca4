-- KEYS: visit, booking, outbox.
-- ARGV: expected state, delete after ms, event type, code, then field/value
--       pairs of the new visit (state first).
local status = redis.call('HGET', KEYS[2], 'status')
if not status then return redis.error_reply('NOT_FOUND no such consultation') end
if status ~= 'confirmed' then
  return redis.error_reply('FAILED_PRECONDITION the booking is cancelled')
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
if state == 'waiting' then redis.call('HSET', KEYS[2], 'visit', 'waiting') end
redis.call('XADD', KEYS[3], '*', 'type', ARGV[3], 'code', ARGV[4],
           'state', state, 'caseworker', redis.call('HGET', KEYS[2], 'office'),
           'services', redis.call('HGET', KEYS[2], 'services'))
return 1
