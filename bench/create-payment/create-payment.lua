-- wrk script: POST /v1/payments with a unique merchant_order_no per request.
-- Environment: SLUICE_API_KEY (the demo key), SLUICE_RUN_ID (a prefix unique to this run; e.g. warm-up vs measured).
-- Order numbers are RUN-THREAD-COUNTER, so no two requests of any run collide and every create is a real insert.

local api_key = os.getenv("SLUICE_API_KEY") or error("set SLUICE_API_KEY")
local run_id = os.getenv("SLUICE_RUN_ID") or tostring(os.time())

local threads = {}
local next_thread = 1

function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  prefix = run_id .. "-" .. tostring(thread_id) .. "-"
  statuses = {}
  headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. api_key,
  }
end

function request()
  counter = counter + 1
  local body = '{"merchant_order_no":"' .. prefix .. counter ..
    '","amount":2599,"currency":"CNY","subject":"bench","payment_method":"alipay_qr"}'
  return wrk.format("POST", "/v1/payments", headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  -- Per-status counts across threads (wrk itself only says "Non-2xx or 3xx responses").
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for code, n in pairs(s) do total[code] = (total[code] or 0) + n end
  end
  local parts = {}
  for code, n in pairs(total) do table.insert(parts, code .. "=" .. n) end
  table.sort(parts)
  io.write("status counts: " .. table.concat(parts, " ") .. "\n")
  io.write(string.format("latency_us p50=%d p90=%d p99=%d max=%d\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
