-- Status of many users in one round trip (the per-pod ticker sends all users with a socket on that pod).
-- ARGV[7] '1' when the users are connected right now (clears their disconnect mark), ARGV[8..] users.
-- Returns {live, rateMilli, waiting size, active size, status1, value1, ...}.
local now = now_ms()
local touch = ARGV[7] == '1'
local out = {is_live() and 1 or 0, admit_rate_milli(now), redis.call('ZCARD', K_WAITING), redis.call('ZCARD', K_ACTIVE)}
for i = 8, #ARGV do
  local u = ARGV[i]
  if touch then redis.call('ZREM', K_GONE, u) end
  local s, v = status(u, now)
  out[#out + 1] = s
  out[#out + 1] = v
end
return out
