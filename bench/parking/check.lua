-- wrk script: the officer's plate check, cycling over 200 plates of which the
-- run script gave the first 100 a running session.
local token = os.getenv("OFFICER_TOKEN")
local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
local counter = 0

request = function()
  counter = counter + 1
  local body = string.format('{"plate":"S-BE %d","zoneId":"4401"}', counter % 200 + 1)
  return wrk.format("POST", "/v1/parking/checks", headers, body)
end
