-- wrk script: open `building` cases through the API, BENCH_CASES in all (split over
-- the threads), each a valid building form. Counts status codes for wrk-summary.py.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + id)
  limit = math.floor(tonumber(os.getenv("BENCH_CASES") or "2000") / 2)
  sent = 0
  statuses = {}
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
  wrk.headers["X-CSRF-Token"] = os.getenv("BENCH_CSRF")
end


function request()
  sent = sent + 1
  local floors = 10 + math.random(0, 30)
  local body = string.format(
    '{"programme":"fire-safety-rectification","case_type":"building","org_unit":"anxian-renmin",' ..
    '"data":{"name":"压测楼%d-%d","address":"安县城关街道人民路%d号","facility":"anxian-renmin",' ..
    '"property_unit":"安县人民医院","user_unit":"安县人民医院","building_use":"public",' ..
    '"floors":%d,"height_m":%d,"in_use":true,"fire_control_room":true,"micro_fire_station":true,' ..
    '"safety_responsible":"林国栋","safety_manager":"林涛"}}',
    id, sent, math.random(1, 999), floors, floors * 3 + 2)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if sent >= limit then
    wrk.thread:stop()
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
