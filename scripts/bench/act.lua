-- wrk script: take `update-building` on random cases from BENCH_IDS (one id a line),
-- with a valid form and no expected_version. Counts status codes for wrk-summary.py.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id * 7919)
  ids = {}
  for line in io.lines(os.getenv("BENCH_IDS")) do table.insert(ids, line) end
  statuses = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
  wrk.headers["X-CSRF-Token"] = os.getenv("BENCH_CSRF")
  n = 0
end

function request()
  n = n + 1
  local id = ids[math.random(1, #ids)]
  local body = string.format(
    '{"data":{"safety_manager":"林涛%d","micro_fire_station":true},"comment":"压测 %d"}', n % 100, n)
  return wrk.format(nil, "/api/v1/cases/" .. id .. "/actions/update-building", nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  -- The first few refusals are shown: a refusal under load is a finding, not noise.
  if status >= 400 and (statuses[status] or 0) <= 2 then
    io.stderr:write(string.format("refused %d: %s\n", status, string.sub(body, 1, 600)))
  end
end

function done(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s or {}) do all[k] = (all[k] or 0) + v end
  end
  for k, v in pairs(all) do io.write(string.format("status %d %d\n", k, v)) end
end
