-- One token bucket, atomically, in one round trip: the same greedy bucket as Bucket4j's local one.
-- KEYS[1]: the bucket (a hash: t = last update in microseconds of the Redis clock, n = tokens, may be negative
--          while a reservation is outstanding)
-- ARGV: capacity, refill tokens per second, tokens to take (negative: hand back), longest wait in microseconds
-- Returns {taken 0/1, tokens left (>= 0, floored), microseconds to wait}.
-- The Redis server's clock is used, so the nodes' clocks need not agree.
if redis.replicate_commands then pcall(redis.replicate_commands) end
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local requested = tonumber(ARGV[3])
local max_wait = tonumber(ARGV[4])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local state = redis.call('HMGET', KEYS[1], 't', 'n')
local tokens = capacity
if state[1] and state[2] then
  local elapsed = now - tonumber(state[1])
  if elapsed < 0 then elapsed = 0 end
  tokens = math.min(capacity, tonumber(state[2]) + elapsed * rate / 1000000)
end
local taken = 0
local wait = 0
if requested <= tokens then
  tokens = math.min(capacity, tokens - requested)
  taken = 1
else
  wait = math.ceil((requested - tokens) * 1000000 / rate)
  if wait <= max_wait then
    tokens = tokens - requested
    taken = 1
  end
end
redis.call('HSET', KEYS[1], 't', string.format('%.0f', now), 'n', string.format('%.6f', tokens))
-- Gone once it would be full again (plus a second): an absent bucket is a full one.
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) * 1000 / rate) + 1000)
local left = math.floor(tokens)
if left < 0 then left = 0 end
return {taken, left, wait}
