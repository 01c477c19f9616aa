-- Stores the admission tokens signed for new sessions: A.grants = [{user, sid, token}]. A token is kept only while
-- its session is the user's current one (a session that ended meanwhile gets none). Answers {stored}.
local stored = 0
for _, g in ipairs(A.grants) do
  if redis.call('HGET', K.sessions, g.user) == g.sid then
    redis.call('HSET', K.grants, g.user, g.token)
    stored = stored + 1
  end
end
return cjson.encode({stored = stored})
