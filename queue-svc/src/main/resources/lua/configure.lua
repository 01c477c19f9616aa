-- An admin's settings: A.capacity, A.sessionTtlSeconds, A.admitPerSecond (0 = the service default), A.opensAt (epoch
-- ms, 0 = none). The opening time may change only until the room has opened (the draw started, or anyone waited or
-- was admitted): moving it afterwards would reorder fans who are already in line. After the opening, a request without
-- opensAt leaves the recorded one as it is. Answers {opened, opensAt} — opened = true when a new opensAt was refused.
local current = opens_at()
local wanted = tonumber(A.opensAt or 0)
local opened = draw_started() or redis.call('ZCARD', K.waiting) > 0 or redis.call('ZCARD', K.active) > 0
if wanted ~= current and opened and wanted ~= 0 then return cjson.encode({opened = true, opensAt = current}) end
redis.call('HSET', K.config, 'capacity', A.capacity, 'sessionTtlSeconds', A.sessionTtlSeconds)
if tonumber(A.admitPerSecond or 0) > 0 then
  redis.call('HSET', K.config, 'admitPerSecond', A.admitPerSecond)
else
  redis.call('HDEL', K.config, 'admitPerSecond')
end
if not opened then
  if wanted > 0 then redis.call('HSET', K.config, 'opensAt', int(wanted)) else redis.call('HDEL', K.config, 'opensAt') end
end
return cjson.encode({opened = false, opensAt = opens_at()})
