-- The user's last socket on a pod closed: the grace period starts (reap() drops the place when it ends unless a
-- socket comes back, on any pod). ARGV[7] user.
if redis.call('ZSCORE', K_WAITING, ARGV[7]) then
  redis.call('ZADD', K_GONE, int(now_ms()), ARGV[7])
  return 1
end
return 0
