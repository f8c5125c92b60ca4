-- Revokes one of the plate's permits: it stays listed, marked revoked with
-- the reason, and covers nothing from now on; the application it was issued
-- for (same id), if any, becomes revoked too. A repeat answers the revoked
-- permit unchanged.
-- KEYS: the plate's permits, the application of the same id (may not exist).
-- ARGV: permit id, reason, now_ms.
-- Returns the permit JSON.
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return redis.error_reply('NOT_FOUND [permit_not_found] permit not found') end
local permit = cjson.decode(raw)
if permit.revoked then return raw end
permit.revoked = true
permit.revoke_reason = ARGV[2]
local revoked = cjson.encode(permit)
redis.call('HSET', KEYS[1], ARGV[1], revoked)
if redis.call('HGET', KEYS[2], 'status') == 'approved' then
  redis.call('HSET', KEYS[2], 'status', 'revoked', 'reason', ARGV[2], 'revoked', ARGV[3])
end
return revoked
