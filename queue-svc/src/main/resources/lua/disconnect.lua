-- The user's last socket on a pod closed: A.user. The grace period starts (the ticker's reap drops the place — in the
-- line or in the pre-queue — when it ends unless a socket comes back, on any pod). Answers {marked}.
if redis.call('ZSCORE', K.waiting, A.user) or redis.call('SISMEMBER', K.prequeue, A.user) == 1 then
  redis.call('ZADD', K.gone, int(now_ms()), A.user)
  return cjson.encode({marked = true})
end
return cjson.encode({marked = false})
