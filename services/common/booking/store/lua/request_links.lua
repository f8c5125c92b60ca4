-- Queues the mail with the manage links of a person's active bookings
-- (POST .../resend). Runs after booking_prelude.lua.
-- KEYS: resend marker, outbox. ARGV: now, min interval ms, request id,
--       sealed contact, prefix, then the codes the person's own slot lists
--       as active (the caller read them there).
-- Returns how many bookings the event lists: 0 when there are none, or when one
-- was queued for this person within the interval (then nothing is queued).
-- Each booking carries its sealed contact: the mailer lists only those booked
-- with exactly the address asked for (the person key joins aliases).
-- The sealed contact as hex: the event's JSON must stay valid UTF-8.
local function hex(bytes)
  return (string.gsub(bytes, '.', function(c) return string.format('%02x', string.byte(c)) end))
end
local now = tonumber(ARGV[1])
local bookings = {}
for i = 6, #ARGV do
  local code = ARGV[i]
  local booking = hash(ARGV[5] .. 'booking:' .. code)
  if booking.status == 'confirmed' and tonumber(booking.start_ms) >= now then
    table.insert(bookings, {code = code, nonce = booking.nonce, office = booking.office,
                            start_ms = booking.start_ms, end_ms = booking.end_ms,
                            services = booking.services, contact = hex(booking.contact)})
  end
end
if #bookings == 0 then return 0 end
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[2]) then return 0 end
redis.call('XADD', KEYS[2], '*', 'type', 'booking.links_requested', 'request', ARGV[3],
           'contact', ARGV[4], 'bookings', cjson.encode(bookings))
return #bookings
