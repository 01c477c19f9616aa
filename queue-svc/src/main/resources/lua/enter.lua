-- Enter the room: A.user, A.ticket (a fresh ticket), A.presented (the ticket a reconnecting socket presents, '' if
-- none). An admitted user keeps the session; a reconnect with the current ticket within the grace period keeps the
-- place; anything else (first entry, page refresh, stale ticket) goes to the back of the line. Before a scheduled
-- opening, and until the draw has taken a pre-queued fan, entering again keeps the fan's one pre-queue entry.
-- Constant work: no reaping, no draw, no admission round (the ticker does them), except the one admission of a fan
-- who finds the line empty, nobody left to draw, and a slot free.
-- A sold-out room still takes the fan's place in line (if seats come back, arrival order holds) but admits nobody.
-- Answers {place, ticket, kept, rateMilli, stalled, soldOut, admitted = [{user, arrival, sid, expiresAt}]?} or {noRoom = true}.
local user, fresh, presented = A.user, A.ticket, A.presented or ''
if not is_live() then return cjson.encode({noRoom = true}) end
local now = now_ms()
local kept = false
local admitted = {}
local session_end = redis.call('ZSCORE', K.active, user)
if session_end and tonumber(session_end) > now then
  kept = true
  if not redis.call('HGET', K.tickets, user) then redis.call('HSET', K.tickets, user, fresh) end
elseif redis.call('SISMEMBER', K.prequeue, user) == 1 or (before_opening(now) and not redis.call('ZSCORE', K.waiting, user)) then
  -- The pre-queue: one entry per user. A fan who comes back (refresh, new tab, lost socket) keeps it, and its ticket.
  if redis.call('SADD', K.prequeue, user) == 0 then kept = true end
  if not redis.call('HGET', K.tickets, user) then redis.call('HSET', K.tickets, user, fresh) end
  redis.call('ZREM', K.gone, user)
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
  -- Nobody ahead and nobody left to draw: no one is overtaken by admitting this fan now (at most one pop).
  if redis.call('ZCARD', K.waiting) == 1 and redis.call('SCARD', K.prequeue) == 0 and not sold_out() then
    admitted = admit(now)
  end
end
local rate, stalled = admit_pace(now)
local out = {place = place(user, now, redis.call('SCARD', K.prequeue)), ticket = redis.call('HGET', K.tickets, user) or '', kept = kept,
  rateMilli = rate, stalled = stalled, soldOut = sold_out()}
if #admitted > 0 then out.admitted = admitted end
return cjson.encode(out)
