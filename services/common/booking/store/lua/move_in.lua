-- Step 1 of a move to a resource of another bucket (docs/redis-cluster.md):
-- the new bucket takes the new place as a hold (until the appointment ends)
-- and keeps the moved record as `moving:<code>` until step 3.
-- Runs after booking_prelude.lua. KEYS: booked, holds (new day), moving.
-- ARGV: now, hold member ("mv-<code>:<first>:<count>"), hold expires ms,
--       number of record fields n, then n field/value pairs, capacities...
local now = tonumber(ARGV[1])
local first, count = string.match(ARGV[2], ':(%d+):(%d+)$')
local n = tonumber(ARGV[4])
-- A retry after a stop takes its own earlier hold on that place back first.
redis.call('ZREM', KEYS[2], ARGV[2])
if not fits(KEYS[1], KEYS[2], now, tonumber(first), tonumber(count), 5 + 2 * n) then
  return redis.error_reply('ABORTED [slot_taken] the new slot is no longer free; the booking is unchanged')
end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
redis.call('DEL', KEYS[3])
local record = {'HSET', KEYS[3]}
for i = 5, 4 + 2 * n do table.insert(record, ARGV[i]) end
table.insert(record, 'hold_member')
table.insert(record, ARGV[2])
redis.call(unpack(record))
-- Kept as long as the booking itself: after step 2 it is the booking.
redis.call('PEXPIREAT', KEYS[3], redis.call('HGET', KEYS[3], 'delete_after'))
return 1
