-- performance-events: a published performance has a room, a deleted one has none (its keys go, a tombstone with the
-- version stays so a late duplicate cannot resurrect it). ARGV[7] event id, ARGV[8] version, ARGV[9] 'live'|'deleted'.
-- Returns 1 when applied, 0 for a duplicate or stale event.
local now = now_ms()
if not first_time(ARGV[7], now) then return 0 end
local current = tonumber(redis.call('HGET', K_META, 'version') or '-1')
if tonumber(ARGV[8]) <= current then return 0 end
redis.call('HSET', K_META, 'version', ARGV[8], 'state', ARGV[9])
if ARGV[9] == 'deleted' then
  redis.call('DEL', K_CONFIG, K_WAITING, K_ACTIVE, K_SEQ, K_TICKETS, K_GONE, K_REENTERED, K_RATE, K_AUDIT, K_STATS)
end
return 1
