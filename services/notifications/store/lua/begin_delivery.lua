-- Takes the lease on the delivery record of one event and recipient.
-- KEYS: delivery record. ARGV: consumer, lease ms.
-- Returns 'sent' (mailed before), 'busy' (another consumer's live lease) or 'go'.
local current = redis.call('GET', KEYS[1])
if current == 'sent' then return 'sent' end
local mine = 'lease:' .. ARGV[1]
if current and current ~= mine then return 'busy' end
redis.call('SET', KEYS[1], mine, 'PX', ARGV[2])
return 'go'
