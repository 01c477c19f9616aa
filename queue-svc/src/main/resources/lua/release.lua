-- booking-events: the user's booking ended (completed or abandoned), so the session slot is freed at once.
-- ARGV[7] event id, ARGV[8] user. Returns {0} for a duplicate event, else {1 or 2 if a slot was freed, admitted user, arrival, ...}.
local now = now_ms()
if not first_time(ARGV[7], now) then return {0} end
local freed = redis.call('ZREM', K_ACTIVE, ARGV[8])
if freed == 1 then redis.call('HDEL', K_TICKETS, ARGV[8]) end
local out = {1 + freed}
if is_live() then
  reap(now)
  for _, x in ipairs(admit(now)) do out[#out + 1] = x end
end
return out
