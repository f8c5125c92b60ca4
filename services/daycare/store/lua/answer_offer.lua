-- KEYS: owners, offer, version, contacts, outbox.
-- ARGV: id, subject, "accept" | "decline", now (unix s).
-- An answer writes `offer.accepted` or `offer.declined` in the same step; the
-- same answer again changes nothing and writes nothing.
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then
  return redis.error_reply('NOT_FOUND [application_not_found] application not found')
end
local state = redis.call('HGET', KEYS[2], 'state')
if not state or state == 'none' then
  return redis.error_reply('FAILED_PRECONDITION there is no offer to answer')
end
local accept = ARGV[3] == 'accept'
if (accept and state == 'accepted') or (not accept and state == 'declined') then
  return state
end
if state == 'open' and tonumber(ARGV[4]) >= tonumber(redis.call('HGET', KEYS[2], 'deadline')) then
  return redis.error_reply('FAILED_PRECONDITION the offer has expired')
end
if state ~= 'open' then
  return redis.error_reply('FAILED_PRECONDITION the offer is no longer open: it was ' .. state)
end
local program = redis.call('HGET', KEYS[2], 'program')
if accept then
  redis.call('HSET', KEYS[2], 'state', 'accepted', 'kind', 'holds', 'held', program)
else
  local declined = redis.call('HGET', KEYS[2], 'declined') or ''
  if declined ~= '' then declined = declined .. ',' end
  redis.call('HSET', KEYS[2], 'state', 'declined', 'declined', declined .. program)
end
redis.call('INCR', KEYS[3])
local answered = redis.call('HGET', KEYS[2], 'state')
redis.call('XADD', KEYS[5], '*', 'type', 'offer.' .. answered, 'application', ARGV[1],
           'program', program, 'round', redis.call('HGET', KEYS[2], 'round') or '',
           'contact', redis.call('HGET', KEYS[4], ARGV[1]) or '')
return answered
