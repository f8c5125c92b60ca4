-- Erases an application withdrawn at or before ARGV[2] (retention of withdrawn
-- applications, docs/retention.md): the application with child and guardian
-- data, its owner, sealed contact, duplicate flags, verdicts and corrections;
-- its offer keeps only its state (so that a move-up round keeps it out) and
-- the withdrawal its time. A retry, or another replica, finds no owner left
-- and changes nothing.
-- KEYS: withdrawn, apps, owners, contacts, duplicates, evidence:<id>,
-- corrections:<id>, offer:<id>, owned:<subject>.
-- ARGV: id, the latest withdrawal time to erase (unix s).
-- Returns 1 when it erased the application, else 0.
local when = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '')
if not when or when > tonumber(ARGV[2]) then return 0 end
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then return 0 end
local erased = redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
redis.call('DEL', KEYS[6], KEYS[7])
redis.call('HDEL', KEYS[8], 'explanation', 'waiting', 'reminded')
redis.call('SREM', KEYS[9], ARGV[1])
return erased
