-- wrk script: citizens starting and stopping sessions, each with an
-- idempotency key. A connection stops a session it started when it has one
-- open, else starts a new one for a fresh plate, so starts and stops alternate.
local token = os.getenv("CITIZEN_TOKEN")
local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
local next_thread = 0
local open_sessions = {}
local counter = 0

setup = function(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
end

local function letter(n)
  return string.char(65 + n % 26)
end

request = function()
  counter = counter + 1
  local key = string.format("t%d-%d", thread_index, counter)
  local id = table.remove(open_sessions)
  if id then
    return wrk.format("POST", "/v1/parking/sessions/" .. id .. "/stop", headers,
                      string.format('{"idempotencyKey":"%s"}', key))
  end
  -- District "S?", two letters, 1-4 digits: unique per thread for 26 * 9999 starts.
  local plate = string.format("S%s-%s%s %d", letter(thread_index), letter(math.floor(thread_index / 26)),
                              letter(math.floor(counter / 9999)), counter % 9999 + 1)
  return wrk.format("POST", "/v1/parking/sessions", headers,
                    string.format('{"zoneId":"4401","plate":"%s","idempotencyKey":"%s"}', plate, key))
end

response = function(status, headers, body)
  if status == 200 and body:find("SESSION_STATE_ACTIVE", 1, true) then
    local id = body:match('"id":"(%x+)"')
    if id then table.insert(open_sessions, id) end
  end
end
