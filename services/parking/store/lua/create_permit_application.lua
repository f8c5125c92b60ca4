-- Stores a pending permit application unless the applicant already has one
-- pending for the same plate and area.
-- KEYS: application, the bucket's pending applications, the plate's open
--       applications (field: applicant and area -> id).
-- ARGV: id, open field, created_ms, then the application's field/value pairs.
-- Returns {'stored', id} or {'pending', id of the application already pending}.
local open = redis.call('HGET', KEYS[3], ARGV[2])
if open then return {'pending', open} end
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[1])
return {'stored', ARGV[1]}
