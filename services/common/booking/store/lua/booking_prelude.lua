-- Lua helpers shared by the booking scripts (and by scripts of the services
-- that build on them); C++ puts this text in front of a script that uses them.
-- fits(): counts what is taken on buckets [first, first+count) of one
-- resource-day (confirmed bookings plus live holds) and compares with capacity
-- passed in ARGV from `cap_index` on. Drops expired holds on the way.
local function fits(booked_key, holds_key, now, first, count, cap_index)
  redis.call('ZREMRANGEBYSCORE', holds_key, '-inf', now)
  local taken = {}
  for b = first, first + count - 1 do
    taken[b] = tonumber(redis.call('HGET', booked_key, b) or '0')
  end
  for _, member in ipairs(redis.call('ZRANGE', holds_key, 0, -1)) do
    local s, l = string.match(member, '^[^:]+:(%d+):(%d+)$')
    s = tonumber(s)
    l = tonumber(l)
    for b = math.max(s, first), math.min(s + l - 1, first + count - 1) do
      taken[b] = taken[b] + 1
    end
  end
  for i = 0, count - 1 do
    if taken[first + i] >= tonumber(ARGV[cap_index + i]) then return false end
  end
  return true
end
local function add_booked(booked_key, first, count, delta)
  for b = first, first + count - 1 do redis.call('HINCRBY', booked_key, b, delta) end
end
local function hash(key)
  local flat = redis.call('HGETALL', key)
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end
local function split(csv)
  local out = {}
  for item in string.gmatch(csv, '[^,]+') do table.insert(out, item) end
  return out
end
-- The refusal for a booking whose visit has begun or ended at the counter
-- (field `visit`), or nil while it may still be cancelled or moved. Same
-- reasons and texts as CheckVisitOpen (services/common/booking/domain/booking.cc).
local function visit_refusal(visit)
  if visit == nil or visit == '' then return nil end
  if visit == 'completed' then
    return redis.error_reply('FAILED_PRECONDITION [visit_completed] Der Termin hat bereits ' ..
                             'stattgefunden. / The visit has already taken place.')
  end
  if visit == 'no_show' then
    return redis.error_reply('FAILED_PRECONDITION [visit_no_show] Der Termin wurde als nicht ' ..
                             'wahrgenommen erfasst. / The appointment was recorded as missed.')
  end
  return redis.error_reply('FAILED_PRECONDITION [already_checked_in] Sie sind bereits ' ..
                           'angemeldet und warten auf den Aufruf. / You have already checked ' ..
                           'in at the office.')
end
-- Appends the office's cause of a change to an outbox event's arguments
-- (nothing when the citizen made the change).
local function add_cause(event, kind, reference, reason)
  if kind == nil or kind == '' then return end
  for _, v in ipairs({'cause', kind, 'cause_ref', reference, 'cause_reason', reason}) do
    table.insert(event, v)
  end
end
