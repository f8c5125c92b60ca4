-- Runs after booking_prelude.lua. Erases a citizen's bookings and holds kept
-- in one bucket (GDPR Art. 17): a booking still to come gives its slot back
-- first, then the record, its index entries, its hold and every outbox event
-- naming it go. A stub of an id kept elsewhere goes too (not counted); the
-- events naming it in this bucket's outbox go all the same.
-- Idempotent: a retry finds nothing left to erase.
-- Returns {erased, {code, person keys csv, services csv, ...}}: the caller
-- drops those codes from the persons' own slots.
-- KEYS: outbox. ARGV: now, prefix, the kinds of the service's own per-booking
-- records (comma-separated, e.g. 'visit'), the kinds of its numbered per-day
-- records that name a booking (comma-separated, e.g. appointments' counter
-- 'ticket'), then the items: 'b:<code>' or 'h:<hold id>'.
local now = tonumber(ARGV[1])
local prefix = ARGV[2]
local erased = 0
local gone = {}
local persons = {}
local function release_hold(hold_id)
  local hold = hash(prefix .. 'hold:' .. hold_id)
  gone[hold_id] = true
  if hold.at then
    redis.call('DEL', prefix .. 'hold:' .. hold_id)
    return
  end
  if hold.office ~= nil and (hold.code == nil or hold.code == '') then
    redis.call('ZREM', prefix .. 'holds:' .. hold.office .. ':' .. hold.day,
               hold_id .. ':' .. hold.first .. ':' .. hold.count)
  end
  gone[hold_id] = true
  erased = erased + redis.call('DEL', prefix .. 'hold:' .. hold_id)
end
-- A numbered per-day record ("<prefix><kind>:<office>:<day>:<n>", n up to
-- "<prefix><kind>-seq:<office>:<day>") that names the booking in its field
-- `code` forgets it and keeps the rest (queue number, state, times: the
-- day's counts stay whole); `erased` marks it. Every record of the day is
-- looked at: a cancelled ticket no longer linked from the booking names it too.
local function forget_code_in_day(kind, day_suffix, code)
  local last = tonumber(redis.call('GET', prefix .. kind .. '-seq:' .. day_suffix) or '0') or 0
  for n = 1, math.min(last, 5000) do
    local record = prefix .. kind .. ':' .. day_suffix .. ':' .. n
    if redis.call('HGET', record, 'code') == code then
      redis.call('HSET', record, 'code', '', 'erased', '1')
    end
  end
end
local function erase_booking(code)
  gone[code] = true
  local key = prefix .. 'booking:' .. code
  local booking = hash(key)
  if booking.code == nil then
    redis.call('DEL', key)  -- a stub
    return
  end
  local day_suffix = booking.office .. ':' .. booking.day
  if booking.status ~= 'cancelled' and tonumber(booking.end_ms) > now then
    add_booked(prefix .. 'booked:' .. day_suffix, tonumber(booking.first),
               tonumber(booking.count), -1)
  end
  redis.call('ZREM', prefix .. 'day:' .. day_suffix, code)
  redis.call('ZREM', prefix .. 'reminders', code)
  -- The persons' slots are the caller's next step.
  for _, v in ipairs({code, booking.person or '', booking.services or ''}) do
    table.insert(persons, v)
  end
  for _, kind in ipairs(split(ARGV[3])) do redis.call('DEL', prefix .. kind .. ':' .. code) end
  for _, kind in ipairs(split(ARGV[4] or '')) do forget_code_in_day(kind, day_suffix, code) end
  erased = erased + redis.call('DEL', key)
end
for i = 5, #ARGV do
  local kind, id = string.sub(ARGV[i], 1, 1), string.sub(ARGV[i], 3)
  if kind == 'b' then erase_booking(id) else release_hold(id) end
end
-- Outbox events carry the code (or hold id) and the sealed contact.
local cursor = '-'
while true do
  local entries = redis.call('XRANGE', KEYS[1], cursor, '+', 'COUNT', 500)
  if #entries == 0 then break end
  for _, entry in ipairs(entries) do
    local fields = entry[2]
    for i = 1, #fields, 2 do
      if (fields[i] == 'code' or fields[i] == 'hold') and gone[fields[i + 1]] then
        redis.call('XDEL', KEYS[1], entry[1])
        break
      end
    end
  end
  if #entries < 500 then break end
  cursor = '(' .. entries[#entries][1]
end
return {erased, persons}
