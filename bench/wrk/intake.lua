-- wrk script of the load benchmark: POSTs one RUM payload (gzip) again and again.
--   wrk ... -s intake.lua URL -- <body file> <Authorization value or "-"> <clients>
-- Each request carries X-Forwarded-For with one of <clients> addresses (198.18.x.y), in turn, so that
-- the anonymous case spreads over that many client buckets. Every case gets the same requests (only the
-- URL and, for the authenticated case, the Authorization header differ), so the load generator does the
-- same work in every case. done() prints one machine-readable RESULT line.

local requests = {}
local n = 0
local i = 0

function init(args)
  local f = assert(io.open(args[1], "rb"))
  local body = f:read("*a")
  f:close()
  local authorization = args[2]
  local clients = tonumber(args[3] or "256")
  for c = 0, clients - 1 do
    local headers = {
      ["Content-Type"] = "application/x-ndjson",
      ["Content-Encoding"] = "gzip",
      ["X-Forwarded-For"] = string.format("198.18.%d.%d", math.floor(c / 256) % 256, c % 256),
    }
    if authorization ~= nil and authorization ~= "-" then
      headers["Authorization"] = authorization
    end
    requests[c + 1] = wrk.format("POST", nil, headers, body)
  end
  n = clients
  -- threads start at different offsets
  i = math.random(0, n - 1)
end

function request()
  i = i + 1
  if i > n then i = 1 end
  return requests[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
