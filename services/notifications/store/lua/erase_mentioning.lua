-- Erases, for one outbox, every queued retry, dead letter and outbox entry
-- that names one of the references (a booking code, hold, session or
-- application id, a citizen's subject) in any field: the mails of a citizen
-- who asked for erasure (GDPR Art. 17). Returns how many went.
-- KEYS: retry queue, dead-letter stream, outbox. ARGV: the retry entries'
-- key prefix, then the references.
local wanted = {}
for i = 2, #ARGV do wanted[ARGV[i]] = true end
local function names_one(flat)
  for i = 2, #flat, 2 do
    if wanted[flat[i]] then return true end
  end
  return false
end
local erased = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if names_one(redis.call('HGETALL', ARGV[1] .. id)) then
    redis.call('ZREM', KEYS[1], id)
    erased = erased + redis.call('DEL', ARGV[1] .. id)
  end
end
for k = 2, 3 do
  local cursor = '-'
  while true do
    local entries = redis.call('XRANGE', KEYS[k], cursor, '+', 'COUNT', 500)
    if #entries == 0 then break end
    for _, entry in ipairs(entries) do
      if names_one(entry[2]) then erased = erased + redis.call('XDEL', KEYS[k], entry[1]) end
    end
    if #entries < 500 then break end
    cursor = '(' .. entries[#entries][1]
  end
end
return erased
