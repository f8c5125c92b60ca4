-- Gives a client's previous hold back (a new hold replaces it) unless it
-- became a booking. Runs after booking_prelude.lua. KEYS: hold. ARGV: prefix, hold id.
local old = hash(KEYS[1])
if old.office == nil or (old.code ~= nil and old.code ~= '') then return 0 end
redis.call('ZREM', ARGV[1] .. 'holds:' .. old.office .. ':' .. old.day,
           ARGV[2] .. ':' .. old.first .. ':' .. old.count)
redis.call('DEL', KEYS[1])
return 1
