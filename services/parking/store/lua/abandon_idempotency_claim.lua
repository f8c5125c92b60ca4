-- Releases a claim that has no answer yet and is still this request's.
-- KEYS: claim. ARGV: fingerprint.
if redis.call('GET', KEYS[1]) == ARGV[1] .. '\n' then redis.call('DEL', KEYS[1]) end
return 1
