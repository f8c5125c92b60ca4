-- Erases a guardian's applications of one season (GDPR Art. 17): the
-- application with child and guardian data, its owner, child key, duplicate
-- flags, withdrawal, verdicts, corrections and offer. Published round
-- documents stay as they are (the record of a decision; they name no child
-- or guardian). The sealed contact and the outbox events of each application
-- go too: no mail about an erased application is sent afterwards. A retry
-- finds nothing left and erases nothing.
-- KEYS: owned:<subject>, apps, owners, children, child_of, duplicates, withdrawn,
-- contacts, outbox.
-- ARGV: subject, the season's key prefix.
local erased = 0
local gone = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('HGET', KEYS[3], id) == ARGV[1] then
    local child = redis.call('HGET', KEYS[5], id)
    if child and redis.call('HGET', KEYS[4], child) == id then redis.call('HDEL', KEYS[4], child) end
    erased = erased + redis.call('HDEL', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('HDEL', KEYS[5], id)
    redis.call('HDEL', KEYS[6], id)
    redis.call('HDEL', KEYS[7], id)
    redis.call('HDEL', KEYS[8], id)
    gone[id] = true
    for _, kind in ipairs({'evidence:', 'corrections:', 'offer:'}) do
      redis.call('DEL', ARGV[2] .. kind .. id)
    end
  end
end
redis.call('DEL', KEYS[1])
-- The outbox holds only what the notifications service has not acknowledged
-- yet (it trims below that), so this walk stays short.
if next(gone) then
  local after = '-'
  repeat
    local entries = redis.call('XRANGE', KEYS[9], after, '+', 'COUNT', 500)
    for _, entry in ipairs(entries) do
      local fields = entry[2]
      for f = 1, #fields, 2 do
        if fields[f] == 'application' and gone[fields[f + 1]] then
          redis.call('XDEL', KEYS[9], entry[1])
        end
      end
      after = '(' .. entry[1]
    end
  until #entries < 500
end
return erased
