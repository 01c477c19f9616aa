-- Places of many users in one round trip (one slice of a pod's sockets): A.users, A.touch (true when the users are
-- connected right now: clears their disconnect marks). Answers {live, rateMilli, places = [place of each user]}.
local now = now_ms()
local places = {}
for i, u in ipairs(A.users) do
  if A.touch then redis.call('ZREM', K.gone, u) end
  places[i] = place(u, now)
end
return cjson.encode({live = is_live(), rateMilli = admit_rate_milli(now), places = places})
