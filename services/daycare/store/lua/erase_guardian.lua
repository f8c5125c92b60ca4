-- Erases a guardian's applications of one season (GDPR Art. 17): the
-- application with child and guardian data, its owner, child key, duplicate
-- flags, withdrawal, verdicts, corrections and offer. Published round
-- documents stay as they are (the record of a decision; they name no child
-- or guardian). A retry finds nothing left and erases nothing.
-- KEYS: owned:<subject>, apps, owners, children, child_of, duplicates, withdrawn.
-- ARGV: subject, the season's key prefix.
local erased = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('HGET', KEYS[3], id) == ARGV[1] then
    local child = redis.call('HGET', KEYS[5], id)
    if child and redis.call('HGET', KEYS[4], child) == id then redis.call('HDEL', KEYS[4], child) end
    erased = erased + redis.call('HDEL', KEYS[2], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('HDEL', KEYS[5], id)
    redis.call('HDEL', KEYS[6], id)
    redis.call('HDEL', KEYS[7], id)
    for _, kind in ipairs({'evidence:', 'corrections:', 'offer:'}) do
      redis.call('DEL', ARGV[2] .. kind .. id)
    end
  end
end
redis.call('DEL', KEYS[1])
return erased
