-- Trims the stream below the oldest entry that some consumer group has not
-- acknowledged: its oldest pending entry, or what follows its last delivered
-- one. A stream without groups is not trimmed (nobody has read it yet).
-- KEYS: stream. Returns how many entries were removed.
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local function less(a, b)
  local am, as = parse(a)
  local bm, bs = parse(b)
  return am < bm or (am == bm and as < bs)
end
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
if #groups == 0 then return 0 end
local floor = nil
for _, flat in ipairs(groups) do
  local group = {}
  for i = 1, #flat, 2 do group[flat[i]] = flat[i + 1] end
  local candidate
  if tonumber(group['pending']) > 0 then
    candidate = redis.call('XPENDING', KEYS[1], group['name'])[2]
  else
    local ms, seq = string.match(group['last-delivered-id'], '^(%d+)-(%d+)$')
    candidate = ms .. '-' .. string.format('%d', tonumber(seq) + 1)
  end
  if floor == nil or less(candidate, floor) then floor = candidate end
end
return redis.call('XTRIM', KEYS[1], 'MINID', floor)
