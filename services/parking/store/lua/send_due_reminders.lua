-- Turns the due reminders of one bucket into `session.ending_soon` events:
-- each leaves the reminders set and, if its session still runs (not stopped,
-- not closed, its end still ahead), becomes exactly one outbox event with the
-- sealed contact, in this one step. A retry finds it gone and writes nothing.
-- KEYS: the bucket's reminders, outbox, then the sessions.
-- ARGV: now_ms, then the session ids in the order of their keys.
-- Returns how many events were written.
local now = tonumber(ARGV[1])
local written = 0
for i = 3, #KEYS do
  local id = ARGV[i - 1]
  local due = redis.call('ZSCORE', KEYS[1], id)
  if due and tonumber(due) <= now then
    redis.call('ZREM', KEYS[1], id)
    local s = redis.call('HMGET', KEYS[i], 'end', 'stopped', 'closed', 'notify', 'owner', 'zone')
    if s[1] and tonumber(s[1]) > now and s[2] ~= '1' and s[3] ~= '1' and s[4] then
      redis.call('XADD', KEYS[2], '*', 'type', 'session.ending_soon', 'session', id,
                 'owner', s[5], 'zone', s[6], 'end_ms', s[1], 'remind_at_ms', due,
                 'contact', s[4])
      written = written + 1
    end
  end
end
return written
