-- booking-events: the user's booking ended (completed or abandoned), so the admission ends at once: A.eventId,
-- A.user. Answers {applied = false for a duplicate event, freed = true if a session ended}.
local now = now_ms()
if not first_time(A.eventId, now) then return cjson.encode({applied = false, freed = false}) end
local freed = redis.call('ZSCORE', K.active, A.user) ~= false
end_session(A.user)
return cjson.encode({applied = true, freed = freed})
