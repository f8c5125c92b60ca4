-- Runs after booking_prelude.lua. KEYS: booked, holds, hold (the resource's
-- bucket; the client's previous hold is released before, in its own bucket,
-- and the client's open hold is noted after, in the client's slot).
-- ARGV: now, hold id, first, count, expires, prefix, client, office, day,
--       services csv, start ms, end ms, capacities...
-- kHoldRecordGraceMs: a local the C++ side puts in front (redis_booking_repository.cc).
local now, first, count = tonumber(ARGV[1]), tonumber(ARGV[3]), tonumber(ARGV[4])
if not fits(KEYS[1], KEYS[2], now, first, count, 13) then
  return redis.error_reply('ABORTED [slot_taken] the slot is no longer free')
end
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[2] .. ':' .. first .. ':' .. count)
redis.call('HSET', KEYS[3], 'client', ARGV[7], 'office', ARGV[8], 'day', ARGV[9],
           'first', first, 'count', count, 'services', ARGV[10], 'start_ms', ARGV[11],
           'end_ms', ARGV[12], 'expires_ms', ARGV[5], 'code', '')
redis.call('PEXPIREAT', KEYS[3], tonumber(ARGV[5]) + kHoldRecordGraceMs)
return 1
