-- One admission round for the room (run by the scheduler of every pod; atomic, so pods never over-admit).
-- Returns {live, waiting size, active size, out-of-order admissions, user, arrival, ...}.
if not is_live() then return {0, 0, 0, 0} end
local now = now_ms()
reap(now)
local admitted = admit(now)
local out = {1, redis.call('ZCARD', K_WAITING), redis.call('ZCARD', K_ACTIVE),
  tonumber(redis.call('HGET', K_STATS, 'inversions') or '0')}
for _, x in ipairs(admitted) do out[#out + 1] = x end
return out
