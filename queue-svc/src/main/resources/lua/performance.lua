-- performance-events: a published performance has a room, a deleted one has none (its keys go, a tombstone with the
-- version stays so a late duplicate cannot resurrect it). A.eventId, A.version (a string: any long), A.state 'live'|'deleted'.
-- Answers {applied = false for a duplicate or stale event}.
local now = now_ms()
if not first_time(A.eventId, now) then return cjson.encode({applied = false}) end
local current = tonumber(redis.call('HGET', K.meta, 'version') or '-1')
if tonumber(A.version) <= current then return cjson.encode({applied = false}) end
redis.call('HSET', K.meta, 'version', A.version, 'state', A.state)
if A.state == 'deleted' then
  redis.call('DEL', K.config, K.waiting, K.active, K.seq, K.tickets, K.gone, K.reentered, K.rate, K.audit, K.stats,
    K.sessions, K.grants, K.prequeue, K.draw)
end
return cjson.encode({applied = true})
