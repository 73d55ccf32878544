-- wrk script of the load benchmark (benchmarks/load): POSTs JSON request bodies read
-- from a file, one per line, each thread starting at a different line and going
-- round; at the end prints one line "WRK_JSON {...}" with requests, errors and
-- latency percentiles (microseconds) for benchmarks/load/wrk.py to read.
--
--   wrk -t1 -c64 -d10s -s benchmarks/load/wrk.lua http://127.0.0.1:8000/process -- bodies.jsonl /process

local bodies, n, i = {}, 0, 0
local path = "/process"
local headers = {["Content-Type"] = "application/json"}

function setup(thread)
  threads_started = (threads_started or 0) + 1
  thread:set("thread_no", threads_started)
end

function init(args)
  path = args[2] or path
  for line in io.lines(args[1]) do
    if #line > 0 then
      n = n + 1
      bodies[n] = line
    end
  end
  if n == 0 then
    error("no request bodies in " .. tostring(args[1]))
  end
  i = ((thread_no or 1) - 1) * math.floor(n / 7)
end

function request()
  i = i % n + 1
  return wrk.format("POST", path, headers, bodies[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  local p = {}
  for _, q in ipairs({50, 75, 90, 95, 99, 99.9}) do
    p[#p + 1] = string.format('"p%s": %.0f', tostring(q), latency:percentile(q))
  end
  io.write(string.format(
    'WRK_JSON {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, ' ..
    '"errors": {"connect": %.0f, "read": %.0f, "write": %.0f, "status": %.0f, "timeout": %.0f}, ' ..
    '"latency_us": {"mean": %.1f, "stdev": %.1f, "max": %.0f, %s}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency.max, table.concat(p, ", ")))
end
