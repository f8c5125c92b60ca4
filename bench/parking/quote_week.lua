-- wrk script: quotes of week-long stays (7 days less a minute) in the station zone
-- (charged around the clock, a daily cap), starting at a different hour of 2030
-- each time, so that every quote walks seven Berlin days and their caps.
local headers = {["Content-Type"] = "application/json"}
local counter = 0
local first_start = 1893456000  -- 2030-01-01T00:00:00Z

request = function()
  counter = counter + 1
  local start = first_start + (counter % 8000) * 3600
  local stop = start + 7 * 24 * 3600 - 60
  local body = string.format('{"zoneId":"4401","startTime":"%s","endTime":"%s"}',
    os.date("!%Y-%m-%dT%H:%M:%SZ", start), os.date("!%Y-%m-%dT%H:%M:%SZ", stop))
  return wrk.format("POST", "/v1/parking/quotes", headers, body)
end

response = function(status, headers, body)
  if status ~= 200 then
    io.stderr:write("quote answered " .. status .. ": " .. body .. "\n")
  end
end
