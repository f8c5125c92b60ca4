-- KEYS: rounds, round:N+1, version, contacts, outbox, changed_at, offer keys.
-- ARGV: N, version seen, sealed document, N+1, now (unix s), then per offer key
-- its application id and its 10 fields.
-- Every application whose offer changed learns it in the same step: a new
-- open offer (also a better one for a child that holds a place: `held`)
-- writes `offer.made` with its deadline; an application still competing
-- without a place writes `round.no_place` with its waiting ranks.
if redis.call('EXISTS', KEYS[2]) == 1 then
  return redis.error_reply('ALREADY_EXISTS round ' .. ARGV[4] .. ' is already published')
end
if tostring(tonumber(redis.call('GET', KEYS[1]) or '0')) ~= ARGV[1] then
  return redis.error_reply('ABORTED another round was published meanwhile')
end
if (redis.call('GET', KEYS[3]) or '0') ~= ARGV[2] then
  return redis.error_reply('ABORTED offers were answered meanwhile; publish again')
end
redis.call('SET', KEYS[2], ARGV[3])
redis.call('SET', KEYS[1], ARGV[4])
-- The season's retention period runs from its last round.
redis.call('SET', KEYS[6], ARGV[5])
local fields = {'state', 'program', 'round', 'deadline', 'kind', 'held', 'declined', 'explanation',
                'last_round', 'waiting'}
local first_offer = 7
local per_offer = #fields + 1
for i = first_offer, #KEYS do
  local base = 6 + (i - first_offer) * per_offer
  local id = ARGV[base]
  local before = redis.call('HMGET', KEYS[i], 'state', 'program', 'round')
  redis.call('DEL', KEYS[i])
  for f = 1, #fields do redis.call('HSET', KEYS[i], fields[f], ARGV[base + f]) end
  local state, program, round = ARGV[base + 1], ARGV[base + 2], ARGV[base + 3]
  local kind, held, waiting = ARGV[base + 5], ARGV[base + 6], ARGV[base + 10]
  local event = nil
  if state == 'open' and (before[1] ~= 'open' or before[2] ~= program or before[3] ~= round) then
    event = 'offer.made'
  elseif state == 'none' and kind == 'open' then
    event = 'round.no_place'
  end
  if event then
    redis.call('XADD', KEYS[5], '*', 'type', event, 'application', id, 'round', ARGV[4],
               'program', program, 'deadline_s', ARGV[base + 4], 'held', held,
               'waiting', waiting, 'contact', redis.call('HGET', KEYS[4], id) or '')
  end
end
redis.call('INCR', KEYS[3])
return 1
