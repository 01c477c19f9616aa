-- One admission round for the room (the ticker of every pod; atomic, so pods never over-admit): reap expired
-- sessions and lost waiters, then admit from the head. Answers {live, waiting, active, inversions, admitted?}.
if not is_live() then return cjson.encode({live = false}) end
local now = now_ms()
reap(now)
local admitted = admit(now)
local out = {live = true, waiting = redis.call('ZCARD', K.waiting), active = redis.call('ZCARD', K.active),
  inversions = tonumber(redis.call('HGET', K.stats, 'inversions') or '0')}
if #admitted > 0 then out.admitted = admitted end
return cjson.encode(out)
