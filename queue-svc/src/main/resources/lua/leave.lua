-- The user leaves (waiting or admitted); a freed slot goes to the head of the line at once. ARGV[7] user.
-- Returns {1 if an active session ended else 0, admitted user, arrival, ...}.
local now = now_ms()
local was_active = redis.call('ZREM', K_ACTIVE, ARGV[7])
forget(ARGV[7])
local out = {was_active}
if is_live() then
  reap(now)
  for _, x in ipairs(admit(now)) do out[#out + 1] = x end
end
return out
