-- Moves a dead letter back to the retry queue, due now, attempts reset.
-- KEYS: dead-letter stream, retry queue. ARGV: dead letter id, now ms,
-- retry entry key prefix. Returns the dead letter's fields.
local entries = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #entries == 0 then return redis.error_reply('NOT_FOUND [dead_letter_not_found] no such dead letter') end
local flat = entries[1][2]
local source_id = nil
local fields = {}
for i = 1, #flat, 2 do
  local name, value = flat[i], flat[i + 1]
  if name == '_source_id' then
    source_id = value
  elseif name ~= '_reason' and name ~= '_attempts' then
    table.insert(fields, name)
    table.insert(fields, value)
  end
end
if source_id == nil or #fields == 0 then
  return redis.error_reply('NOT_FOUND [dead_letter_not_found] no such dead letter')
end
local entry = ARGV[3] .. source_id
redis.call('DEL', entry)
redis.call('HSET', entry, '_attempts', 0, unpack(fields))
redis.call('ZADD', KEYS[2], ARGV[2], source_id)
redis.call('XDEL', KEYS[1], ARGV[1])
return flat
