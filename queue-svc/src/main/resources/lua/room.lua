-- Shared prelude of every waiting-room script. All keys of one room share the hash tag {<performanceId>}, so the
-- scripts stay legal on a Redis Cluster. Keys are read by name from K (generated from RoomKeys.Key, see
-- RoomScripts), arguments by name from A (ARGV[1], one JSON object); every script answers one JSON object.
local A = cjson.decode(ARGV[1])
local GRACE_MS, WINDOW_S, AUDIT_MAX = A.graceMs, A.windowSeconds, A.auditMax
local EVENT_MEMORY_MS = 7 * 86400000

-- Lua numbers are doubles and tostring()/cjson keep only 14 digits: scores (arrival ms * 1000) need all 16, so they
-- travel as strings.
local function int(x) return string.format('%.0f', x) end

-- Redis' clock, not the pod's: every pod then agrees on arrival order and session expiry.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function is_live() return redis.call('HGET', K.meta, 'state') == 'live' end
-- Every seat is sold (booking-svc's PerformanceSoldOut, lua/availability.lua): nobody is admitted, fans keep their
-- places (a refund or a new showtime puts the sale back on, PerformanceOnSale) and are told.
local function sold_out() return redis.call('HGET', K.meta, 'soldOut') == '1' end

local function settings()
  local c = redis.call('HMGET', K.config, 'capacity', 'sessionTtlSeconds', 'admitPerSecond')
  return tonumber(c[1] or A.capacity), tonumber(c[2] or A.sessionTtlSeconds), tonumber(c[3] or A.admitPerSecond)
end

-- Idempotency by event id, in the same atomic step as the effect.
local function first_time(event_id, now)
  if redis.call('ZSCORE', K.events, event_id) then return false end
  redis.call('ZADD', K.events, int(now), event_id)
  redis.call('ZREMRANGEBYSCORE', K.events, '-inf', int(now - EVENT_MEMORY_MS))
  return true
end

-- The admission ends: its slot is free and its session id no longer opens booking-svc (docs/architecture.md).
local function end_session(u)
  redis.call('ZREM', K.active, u)
  redis.call('HDEL', K.sessions, u)
  redis.call('HDEL', K.grants, u)
  redis.call('HDEL', K.tickets, u)
end

local function forget(u)
  redis.call('SREM', K.prequeue, u)
  redis.call('ZREM', K.waiting, u)
  redis.call('ZREM', K.gone, u)
  redis.call('HDEL', K.tickets, u)
  redis.call('SREM', K.reentered, u)
end

-- The scheduled opening (config opensAt, epoch ms; 0 = none). Before it, fans wait in the pre-queue, a set: entering
-- again changes nothing, so nobody improves their odds by entering often. At opensAt the admission ticker draws them
-- (draw below); the room stays "before opening" until the draw has started, whatever the clock says, so a late ticker
-- never lets a later arrival overtake the pre-queue.
local DRAW_BATCH = 5000
local function opens_at() return tonumber(redis.call('HGET', K.config, 'opensAt') or '0') end
local function draw_started() return redis.call('HEXISTS', K.stats, 'drawSeed') == 1 end
local function before_opening(now) return opens_at() > now and not draw_started() end

-- The draw: every pre-queued fan gets the score of the first 48 bits of SHA-1(seed ":" user) — below every arrival
-- score (arrival ms * 1000 > 2^48), so the drawn fans are ahead of everyone who arrives later, in an order nobody
-- could choose: the seed comes from the pod's SecureRandom at the opening and is published in the audit afterwards,
-- so anyone can re-run the draw from the seed and the list of entrants. A fan's score depends only on the seed and
-- their id, not on the order of drawing, so a big pre-queue is drawn in batches of DRAW_BATCH (one per admission
-- round, Redis never blocked long) with the same result. Returns true while fans remain to be drawn; no one is
-- admitted until then.
local function draw(now, seed)
  if redis.call('SCARD', K.prequeue) == 0 then
    if draw_started() and not redis.call('HGET', K.stats, 'drawDoneAt') then
      redis.call('HSET', K.stats, 'drawDoneAt', int(now))
    end
    return false
  end
  if not draw_started() then
    local o = opens_at()
    if o > now then return false end
    redis.call('HSET', K.stats, 'drawSeed', seed, 'drawStartedAt', int(now), 'drawOpensAt', int(o))
  end
  local s = redis.call('HGET', K.stats, 'drawSeed')
  local batch = redis.call('SPOP', K.prequeue, DRAW_BATCH)
  for _, u in ipairs(batch) do
    local h = redis.sha1hex(s .. ':' .. u)
    redis.call('ZADD', K.waiting, int(tonumber(string.sub(h, 1, 12), 16)), u)
    redis.call('RPUSH', K.draw, h .. ' ' .. u)
  end
  redis.call('HINCRBY', K.stats, 'drawn', #batch)
  if redis.call('SCARD', K.prequeue) > 0 then return true end
  redis.call('HSET', K.stats, 'drawDoneAt', int(now))
  return false
end

-- Expired sessions free their slot; waiters whose last socket closed more than the grace period ago lose their
-- place. Bounded per call; only the admission ticker runs it, never a fan's request.
local function reap(now)
  for _, u in ipairs(redis.call('ZRANGEBYSCORE', K.active, '-inf', int(now), 'LIMIT', 0, 1000)) do end_session(u) end
  local gone = redis.call('ZRANGEBYSCORE', K.gone, '-inf', int(now - GRACE_MS), 'LIMIT', 0, 1000)
  for _, u in ipairs(gone) do
    if redis.call('ZSCORE', K.active, u) then redis.call('ZREM', K.gone, u) else forget(u) end
  end
end

-- The rule of the room: admit from the head of the line while active < capacity, at most admitPerSecond per second
-- across all pods. Each admission gets a new session id. Returns a list of {user, arrival, sid, expiresAt}.
local function admit(now)
  local capacity, ttl, per_second = settings()
  local sec = math.floor(now / 1000)
  local used = tonumber(redis.call('HGET', K.rate, tostring(sec)) or '0')
  local budget = math.min(capacity - redis.call('ZCARD', K.active), per_second - used)
  local out = {}
  if budget <= 0 then return out end
  local head = redis.call('ZPOPMIN', K.waiting, budget)
  if #head == 0 then return out end
  local expiry = now + ttl * 1000
  local st = redis.call('HMGET', K.stats, 'maxArrival', 'inversions')
  local max_arrival, inversions = tonumber(st[1] or '0'), tonumber(st[2] or '0')
  for i = 1, #head, 2 do
    local u, arrival = head[i], tonumber(head[i + 1])
    local sid = tostring(redis.call('HINCRBY', K.stats, 'sessions', 1))
    redis.call('ZADD', K.active, int(expiry), u)
    redis.call('HSET', K.sessions, u, sid)
    redis.call('HDEL', K.grants, u)
    redis.call('ZREM', K.gone, u)
    local reentered = redis.call('SREM', K.reentered, u)
    -- Fairness audit: someone who never re-entered must not be admitted after a later arrival.
    if reentered == 0 then
      if arrival < max_arrival then inversions = inversions + 1 else max_arrival = arrival end
    end
    redis.call('RPUSH', K.audit, int(arrival) .. ' ' .. reentered .. ' ' .. u)
    out[#out + 1] = {user = u, arrival = int(arrival), sid = sid, expiresAt = expiry}
  end
  redis.call('HSET', K.stats, 'maxArrival', int(max_arrival), 'inversions', inversions)
  redis.call('LTRIM', K.audit, -AUDIT_MAX, -1)
  redis.call('HINCRBY', K.rate, tostring(sec), #out)
  for _, f in ipairs(redis.call('HKEYS', K.rate)) do
    if tonumber(f) < sec - WINDOW_S then redis.call('HDEL', K.rate, f) end
  end
  return out
end

-- Admits per second (x1000) over the sliding window; before anyone was admitted, the configured rate, or the
-- turnover of a full room (capacity / session TTL). The hash holds at most WINDOW_S + 1 fields. Second answer:
-- stalled — nobody was admitted during the window although the room is full and fans wait (the estimate is then the
-- sessions' turnover, which nobody has seen happen).
local function admit_pace(now)
  local capacity, ttl, per_second = settings()
  local sec = math.floor(now / 1000)
  local sum, oldest, recent = 0, sec, false
  local r = redis.call('HGETALL', K.rate)
  for i = 1, #r, 2 do
    local s = tonumber(r[i])
    if s >= sec - WINDOW_S then recent = true end
    if s >= sec - WINDOW_S and s < sec then
      sum = sum + tonumber(r[i + 1])
      if s < oldest then oldest = s end
    end
  end
  if sum > 0 then return math.floor(sum * 1000 / (sec - oldest)), false end
  if redis.call('ZCARD', K.active) >= capacity then
    return math.max(1, math.floor(capacity * 1000 / ttl)), not recent and redis.call('ZCARD', K.waiting) > 0
  end
  return per_second * 1000, false
end

-- {kind = 'P', opensAt = ms} (pre-queued, not drawn yet) | {kind = 'W', rank = 0-based} |
-- {kind = 'A', expiresAt = ms, sid = ..., token = signed admission or nil} | {kind = 'N'}.
-- While a draw is under way, the fans still to be drawn will all land ahead of a waiting fan: they count in its rank.
-- prequeued = SCARD of the pre-queue, read once by the caller (positions.lua places a whole slice of users).
local function place(u, now, prequeued)
  if prequeued > 0 and redis.call('SISMEMBER', K.prequeue, u) == 1 then return {kind = 'P', opensAt = opens_at()} end
  local r = redis.call('ZRANK', K.waiting, u)
  if r then return {kind = 'W', rank = r + prequeued} end
  local e = redis.call('ZSCORE', K.active, u)
  if e and tonumber(e) > now then
    local sid = redis.call('HGET', K.sessions, u)
    if sid then
      return {kind = 'A', expiresAt = tonumber(e), sid = sid, token = redis.call('HGET', K.grants, u) or nil}
    end
  end
  return {kind = 'N'}
end
