-- Keeps a hold while its e-mail confirmation is pending and queues the mail.
-- Runs after booking_prelude.lua. KEYS: hold, outbox. ARGV: now, hold id, client,
--       prefix, until, token hash, sealed contact, attributes, sealed link token.
-- Returns the hold's new expiry (ms; the caller notes the client's open hold
-- until then in the client's slot), 0 when it awaited its e-mail already.
-- kHoldRecordGraceMs: a local the C++ side puts in front (redis_booking_repository.cc).
local now, wanted = tonumber(ARGV[1]), tonumber(ARGV[5])
local prefix = ARGV[4]
local hold = hash(KEYS[1])
if hold.client == nil or hold.client ~= ARGV[3] then
  return redis.error_reply('NOT_FOUND [hold_not_found] hold not found')
end
if hold.code ~= nil and hold.code ~= '' then
  return redis.error_reply('FAILED_PRECONDITION [hold_already_confirmed] the hold is already a booking')
end
if tonumber(hold.expires_ms) <= now then
  return redis.error_reply('FAILED_PRECONDITION [hold_expired] the hold has expired; hold the slot again')
end
if hold.email_hash ~= nil and hold.email_hash ~= '' then return 0 end
-- The slot is counted by the hold's entry in the day's holds set: without it
-- (dropped as expired by a writer whose clock runs ahead) there is no slot
-- left to keep.
local holds_key = prefix .. 'holds:' .. hold.office .. ':' .. hold.day
local member = ARGV[2] .. ':' .. hold.first .. ':' .. hold.count
if not redis.call('ZSCORE', holds_key, member) then
  return redis.error_reply('FAILED_PRECONDITION [hold_expired] the hold has expired; hold the slot again')
end
local expires = math.max(tonumber(hold.expires_ms), wanted)
redis.call('ZADD', holds_key, 'XX', expires, member)
redis.call('HSET', KEYS[1], 'expires_ms', expires, 'email_hash', ARGV[6],
           'pending_contact', ARGV[7], 'pending_attrs', ARGV[8])
redis.call('PEXPIREAT', KEYS[1], expires + kHoldRecordGraceMs)
redis.call('XADD', KEYS[2], '*', 'type',
           'booking.email_confirmation_requested', 'hold', ARGV[2], 'office', hold.office,
           'start_ms', hold.start_ms, 'end_ms', hold.end_ms, 'services', hold.services,
           'contact', ARGV[7], 'link_token', ARGV[9], 'expires_ms', expires)
return expires
