-- Enter the room. ARGV[7] user, ARGV[8] fresh ticket, ARGV[9] ticket presented by a reconnecting socket ('' if none).
-- An admitted user keeps the session; a reconnect with the current ticket within the grace period keeps the place;
-- anything else (first entry, page refresh, stale ticket) goes to the back of the line.
-- Returns {status, value, ticket, kept, rateMilli, admitted user, arrival, ...} or {'NOROOM'}.
local user, fresh, presented = ARGV[7], ARGV[8], ARGV[9]
if not is_live() then return {'NOROOM'} end
local now = now_ms()
reap(now)
local kept = 0
if redis.call('ZSCORE', K_ACTIVE, user) then
  kept = 1
  if not redis.call('HGET', K_TICKETS, user) then redis.call('HSET', K_TICKETS, user, fresh) end
elseif presented ~= '' and presented == redis.call('HGET', K_TICKETS, user) and redis.call('ZSCORE', K_WAITING, user) then
  redis.call('ZREM', K_GONE, user)
  kept = 1
else
  if redis.call('ZREM', K_WAITING, user) == 1 then redis.call('SADD', K_REENTERED, user) end
  -- Score = arrival ms * 1000, bumped past the last score so simultaneous arrivals keep the order Redis saw them in.
  local last = tonumber(redis.call('GET', K_SEQ) or '0')
  local score = math.max(now * 1000, last + 1)
  redis.call('SET', K_SEQ, int(score))
  redis.call('ZADD', K_WAITING, int(score), user)
  redis.call('HSET', K_TICKETS, user, fresh)
  redis.call('ZREM', K_GONE, user)
end
local admitted = admit(now)
local s, v = status(user, now)
local out = {s, v, redis.call('HGET', K_TICKETS, user) or '', kept, admit_rate_milli(now)}
for _, x in ipairs(admitted) do out[#out + 1] = x end
return out
