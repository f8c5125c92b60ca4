-- Claims an idempotency key for the subject, or returns the stored answer.
-- KEYS: claim. ARGV: fingerprint, ttl s.
local prior = redis.call('GET', KEYS[1])
if not prior then
  redis.call('SET', KEYS[1], ARGV[1] .. '\n', 'EX', ARGV[2])
  return false
end
local sep = string.find(prior, '\n', 1, true)
if string.sub(prior, 1, sep - 1) ~= ARGV[1] then
  return redis.error_reply('INVALID_ARGUMENT [idempotency_key_reused] idempotency_key was already used for a different request')
end
local answer = string.sub(prior, sep + 1)
if answer == '' then return false end
return answer
