-- performance-events: PerformanceSoldOut (A.soldOut = '1') or PerformanceOnSale ('0') from booking-svc. Idempotent by
-- A.eventId; booking-svc publishes them in order on the performance's key, so the last one applied is the current one.
-- Kept in the room's meta, which a room has before and after it is live. Answers {applied}.
local now = now_ms()
if not first_time(A.eventId, now) then return cjson.encode({applied = false}) end
redis.call('HSET', K.meta, 'soldOut', A.soldOut)
return cjson.encode({applied = true})
