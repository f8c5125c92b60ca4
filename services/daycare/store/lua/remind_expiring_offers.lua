-- The reminder before an open offer's deadline: for each listed offer that is
-- open, whose deadline is ahead and at most `lead` away, and that was not
-- reminded of this deadline yet, writes `offer.expiring` and marks it, in this
-- one step. A retry, or another replica, finds the mark and writes nothing; a
-- moved deadline (set_offer_deadline.lua) is reminded again.
-- KEYS: contacts, outbox, then the offers. ARGV: now (unix s), lead (s), then
-- the application ids in the order of the offer keys.
-- Returns how many events were written.
local now = tonumber(ARGV[1])
local lead = tonumber(ARGV[2])
local written = 0
for i = 3, #KEYS do
  local id = ARGV[i]
  local offer = redis.call('HMGET', KEYS[i], 'state', 'deadline', 'reminded', 'program', 'round')
  local deadline = tonumber(offer[2] or '')
  if offer[1] == 'open' and deadline and deadline > now and deadline - lead <= now and
      offer[3] ~= offer[2] then
    redis.call('HSET', KEYS[i], 'reminded', offer[2])
    redis.call('XADD', KEYS[2], '*', 'type', 'offer.expiring', 'application', id,
               'round', offer[5] or '', 'program', offer[4] or '', 'deadline_s', offer[2],
               'contact', redis.call('HGET', KEYS[1], id) or '')
    written = written + 1
  end
end
return written
