-- Shared prelude of every waiting-room script. All keys of one room share the hash tag {<performanceId>}, so the
-- scripts stay legal on a Redis Cluster. KEYS and the first six ARGV are the same for every script (RoomKeys,
-- RoomScripts); script-specific arguments start at ARGV[7].
local K_META, K_CONFIG, K_WAITING, K_ACTIVE, K_SEQ, K_TICKETS = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local K_GONE, K_REENTERED, K_RATE, K_AUDIT, K_STATS, K_EVENTS = KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11], KEYS[12]
local GRACE_MS, WINDOW_S, AUDIT_MAX = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local EVENT_MEMORY_MS = 7 * 86400000

-- Lua numbers are doubles and tostring() keeps only 14 digits: scores (arrival ms * 1000) need all 16.
local function int(x) return string.format('%.0f', x) end

-- Redis' clock, not the pod's: every pod then agrees on arrival order and session expiry.
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function is_live() return redis.call('HGET', K_META, 'state') == 'live' end

local function settings()
  local c = redis.call('HMGET', K_CONFIG, 'capacity', 'sessionTtlSeconds', 'admitPerSecond')
  return tonumber(c[1] or ARGV[1]), tonumber(c[2] or ARGV[2]), tonumber(c[3] or ARGV[3])
end

-- Idempotency by event id, in the same atomic step as the effect.
local function first_time(event_id, now)
  if redis.call('ZSCORE', K_EVENTS, event_id) then return false end
  redis.call('ZADD', K_EVENTS, int(now), event_id)
  redis.call('ZREMRANGEBYSCORE', K_EVENTS, '-inf', int(now - EVENT_MEMORY_MS))
  return true
end

local function forget(u)
  redis.call('ZREM', K_WAITING, u)
  redis.call('ZREM', K_GONE, u)
  redis.call('HDEL', K_TICKETS, u)
  redis.call('SREM', K_REENTERED, u)
end

-- Expired sessions free their slot; waiters whose last socket closed more than the grace period ago lose their place.
local function reap(now)
  redis.call('ZREMRANGEBYSCORE', K_ACTIVE, '-inf', int(now))
  local gone = redis.call('ZRANGEBYSCORE', K_GONE, '-inf', int(now - GRACE_MS), 'LIMIT', 0, 1000)
  for _, u in ipairs(gone) do
    if redis.call('ZSCORE', K_ACTIVE, u) then redis.call('ZREM', K_GONE, u) else forget(u) end
  end
end

-- The rule of the room: admit from the head of the line while active < capacity, at most admitPerSecond per second
-- across all pods. Returns {user, arrival, ...} of those admitted.
local function admit(now)
  local capacity, ttl, per_second = settings()
  local sec = math.floor(now / 1000)
  local used = tonumber(redis.call('HGET', K_RATE, tostring(sec)) or '0')
  local budget = math.min(capacity - redis.call('ZCARD', K_ACTIVE), per_second - used)
  local out = {}
  if budget <= 0 then return out end
  local head = redis.call('ZPOPMIN', K_WAITING, budget)
  if #head == 0 then return out end
  local expiry = int(now + ttl * 1000)
  local st = redis.call('HMGET', K_STATS, 'maxArrival', 'inversions')
  local max_arrival, inversions = tonumber(st[1] or '0'), tonumber(st[2] or '0')
  for i = 1, #head, 2 do
    local u, arrival = head[i], tonumber(head[i + 1])
    redis.call('ZADD', K_ACTIVE, expiry, u)
    redis.call('ZREM', K_GONE, u)
    local reentered = redis.call('SREM', K_REENTERED, u)
    -- Fairness audit: someone who never re-entered must not be admitted after a later arrival.
    if reentered == 0 then
      if arrival < max_arrival then inversions = inversions + 1 else max_arrival = arrival end
    end
    redis.call('RPUSH', K_AUDIT, int(arrival) .. ' ' .. reentered .. ' ' .. u)
    out[#out + 1] = u
    out[#out + 1] = int(arrival)
  end
  redis.call('HSET', K_STATS, 'maxArrival', int(max_arrival), 'inversions', inversions)
  redis.call('LTRIM', K_AUDIT, -AUDIT_MAX, -1)
  redis.call('HINCRBY', K_RATE, tostring(sec), #head / 2)
  for _, f in ipairs(redis.call('HKEYS', K_RATE)) do
    if tonumber(f) < sec - WINDOW_S then redis.call('HDEL', K_RATE, f) end
  end
  return out
end

-- Admits per second (x1000) over the sliding window; before anyone was admitted, the configured rate, or the
-- turnover of a full room (capacity / session TTL).
local function admit_rate_milli(now)
  local capacity, ttl, per_second = settings()
  local sec = math.floor(now / 1000)
  local sum, oldest = 0, sec
  local r = redis.call('HGETALL', K_RATE)
  for i = 1, #r, 2 do
    local s = tonumber(r[i])
    if s >= sec - WINDOW_S and s < sec then
      sum = sum + tonumber(r[i + 1])
      if s < oldest then oldest = s end
    end
  end
  if sum > 0 then return math.floor(sum * 1000 / (sec - oldest)) end
  if redis.call('ZCARD', K_ACTIVE) >= capacity then return math.max(1, math.floor(capacity * 1000 / ttl)) end
  return per_second * 1000
end

-- 'W', rank (0-based) | 'A', session expiry ms | 'N', 0
local function status(u, now)
  local r = redis.call('ZRANK', K_WAITING, u)
  if r then return 'W', r end
  local e = redis.call('ZSCORE', K_ACTIVE, u)
  if e and tonumber(e) > now then return 'A', tonumber(e) end
  return 'N', 0
end
