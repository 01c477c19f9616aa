-- Places of many users in one round trip (one slice of a pod's sockets): A.users, A.touch (true when the users are
-- connected right now: clears their disconnect marks). Answers {live, rateMilli, stalled, soldOut, places = [place of each user]}.
local now = now_ms()
local places = {}
local prequeued = redis.call('SCARD', K.prequeue)
for i, u in ipairs(A.users) do
  if A.touch then redis.call('ZREM', K.gone, u) end
  places[i] = place(u, now, prequeued)
end
local rate, stalled = admit_pace(now)
return cjson.encode({live = is_live(), rateMilli = rate, stalled = stalled, soldOut = sold_out(), places = places})
