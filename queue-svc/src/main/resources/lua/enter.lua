-- Enter the room: A.user, A.ticket (a fresh ticket), A.presented (the ticket a reconnecting socket presents, '' if
-- none). An admitted user keeps the session; a reconnect with the current ticket within the grace period keeps the
-- place; anything else (first entry, page refresh, stale ticket) goes to the back of the line.
-- Constant work: no reaping, no admission round (the ticker does both), except the one admission of a fan who finds
-- the line empty and a slot free.
-- Answers {place, ticket, kept, rateMilli, admitted = [{user, arrival, sid, expiresAt}]?} or {noRoom = true}.
local user, fresh, presented = A.user, A.ticket, A.presented or ''
if not is_live() then return cjson.encode({noRoom = true}) end
local now = now_ms()
local kept = false
local admitted = {}
local session_end = redis.call('ZSCORE', K.active, user)
if session_end and tonumber(session_end) > now then
  kept = true
  if not redis.call('HGET', K.tickets, user) then redis.call('HSET', K.tickets, user, fresh) end
elseif presented ~= '' and presented == redis.call('HGET', K.tickets, user) and redis.call('ZSCORE', K.waiting, user) then
  redis.call('ZREM', K.gone, user)
  kept = true
else
  if session_end then end_session(user) end -- expired, not reaped yet
  if redis.call('ZREM', K.waiting, user) == 1 then redis.call('SADD', K.reentered, user) end
  -- Score = arrival ms * 1000, bumped past the last score so simultaneous arrivals keep the order Redis saw them in.
  local last = tonumber(redis.call('GET', K.seq) or '0')
  local score = math.max(now * 1000, last + 1)
  redis.call('SET', K.seq, int(score))
  redis.call('ZADD', K.waiting, int(score), user)
  redis.call('HSET', K.tickets, user, fresh)
  redis.call('ZREM', K.gone, user)
  -- Nobody ahead: no one is overtaken by admitting this fan now (at most one pop).
  if redis.call('ZCARD', K.waiting) == 1 then admitted = admit(now) end
end
local out = {place = place(user, now), ticket = redis.call('HGET', K.tickets, user) or '', kept = kept,
  rateMilli = admit_rate_milli(now)}
if #admitted > 0 then out.admitted = admitted end
return cjson.encode(out)
