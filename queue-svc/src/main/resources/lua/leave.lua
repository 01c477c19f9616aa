-- The user leaves (waiting or admitted): A.user. An admission ends with it; the ticker hands the slot on.
-- Answers {ended = true if an admitted session ended}.
local ended = redis.call('ZSCORE', K.active, A.user) ~= false
end_session(A.user)
forget(A.user)
return cjson.encode({ended = ended})
