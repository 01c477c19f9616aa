-- One admission round for the room (the ticker of every pod; atomic, so pods never over-admit): reap expired
-- sessions and lost waiters, draw the pre-queue once the opening has come (A.seed: a fresh random seed, used only by
-- the round that starts the draw), then admit from the head — not before everyone pre-queued has been drawn.
-- Nobody is admitted while the performance is sold out. Answers {live, soldOut, waiting, active, prequeued, inversions, admitted?}.
if not is_live() then return cjson.encode({live = false}) end
local now = now_ms()
reap(now)
local admitted = {}
local soldOut = sold_out()
if not draw(now, A.seed) and not soldOut then admitted = admit(now) end
local out = {live = true, soldOut = soldOut, waiting = redis.call('ZCARD', K.waiting), active = redis.call('ZCARD', K.active),
  prequeued = redis.call('SCARD', K.prequeue), inversions = tonumber(redis.call('HGET', K.stats, 'inversions') or '0')}
if #admitted > 0 then out.admitted = admitted end
return cjson.encode(out)
