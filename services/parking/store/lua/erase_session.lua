-- Erases the owner's data from one ended session (GDPR Art. 17) and keeps
-- the rest as the tax receipt (zone, tariff, times, price): the plate and the
-- owner (and a sealed reminder address) go from the record, from the plate's
-- sessions hash and from the
-- outbox. A running session is refused (the officer's check needs it);
-- a retry finds no owner and changes nothing.
-- KEYS: session, outbox. ARGV: owner, now ms, the bucket's key prefix.
local owner = ARGV[1]
if redis.call('HGET', KEYS[1], 'owner') ~= owner then return 0 end
local session = redis.call('HMGET', KEYS[1], 'id', 'plate_key', 'end', 'stopped')
if tonumber(session[3]) > tonumber(ARGV[2]) and session[4] ~= '1' then
  return redis.error_reply('FAILED_PRECONDITION [session_running] Ein Parkvorgang läuft noch; ' ..
                           'beenden Sie ihn vor der Löschung. / A parking session is still ' ..
                           'running; stop it before the erasure.')
end
redis.call('HDEL', ARGV[3] .. 'plate:' .. session[2], owner)
redis.call('HDEL', KEYS[1], 'owner', 'country', 'plate', 'plate_key', 'notify')
redis.call('HSET', KEYS[1], 'erased', '1')
local cursor = '-'
while true do
  local entries = redis.call('XRANGE', KEYS[2], cursor, '+', 'COUNT', 500)
  if #entries == 0 then break end
  for _, entry in ipairs(entries) do
    local fields = entry[2]
    for i = 1, #fields, 2 do
      if fields[i] == 'session' and fields[i + 1] == session[1] then
        redis.call('XDEL', KEYS[2], entry[1])
        break
      end
    end
  end
  if #entries < 500 then break end
  cursor = '(' .. entries[#entries][1]
end
return 1
