-- wrk script: POST /sandbox/api/pay straight to the sandbox channel with pre-signed requests (see sign-sandbox.py),
-- to measure the channel's own time apart from the gateway. Environment: SANDBOX_REQUESTS (the .tsv file).
-- Each thread takes every Nth line (N = thread count) so no request repeats; the run must not outlast the file.

local file = os.getenv("SANDBOX_REQUESTS") or error("set SANDBOX_REQUESTS")
local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  table.insert(threads, thread)
end

function init(args)
  -- thread_count is not visible here; every thread reads the whole file and strides by the total from setup.
  lines = {}
  for line in io.lines(file) do table.insert(lines, line) end
  stride = tonumber(os.getenv("WRK_THREADS") or "1")
  index = thread_id
  statuses = {}
end

function request()
  local line = lines[index]
  if line == nil then error("sandbox request file exhausted; make more") end
  index = index + stride
  local tab = line:find("\t", 1, true)
  local sig, body = line:sub(1, tab - 1), line:sub(tab + 1)
  return wrk.format("POST", "/sandbox/api/pay",
    { ["Content-Type"] = "application/json; charset=utf-8", ["Sandbox-Signature"] = sig }, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do total[code] = (total[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(total) do table.insert(parts, code .. "=" .. n) end
  table.sort(parts)
  io.write("status counts: " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("latency_us p50=%d p90=%d p99=%d max=%d\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
