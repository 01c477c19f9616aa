-- wrk script of hold-bench.sh (P4a): POST /api/showtimes/<id>/holds for a seat someone already holds, each request
-- from the next fan of the thread's slice (its own access and admission token), rotating.
-- Environment: BENCH_FANS (lines "accessToken admissionToken"), BENCH_SEATS (one seat id per line), BENCH_THREADS.
-- done() prints one line: WRKSUM key=value ...
local threads = {}
local next_tid = 0

function setup(thread)
   thread:set("tid", next_tid)
   next_tid = next_tid + 1
   table.insert(threads, thread)
end

function init(args)
   local nthreads = tonumber(os.getenv("BENCH_THREADS"))
   fans = {}
   local i = 0
   for line in io.lines(os.getenv("BENCH_FANS")) do
      if i % nthreads == tid and line ~= "" then
         local a, b = line:match("^(%S+) (%S+)$")
         fans[#fans + 1] = { "Bearer " .. a, b }
      end
      i = i + 1
   end
   seats = {}
   for line in io.lines(os.getenv("BENCH_SEATS")) do
      if line ~= "" then seats[#seats + 1] = line end
   end
   math.randomseed(os.time() + tid)
   idx, s409, s201, other = 0, 0, 0, 0
   codes, codes_str = {}, ""
end

function request()
   idx = idx % #fans + 1
   local fan = fans[idx]
   local body = '{"seatIds":["' .. seats[math.random(#seats)] .. '"]}'
   return wrk.format("POST", nil, { Authorization = fan[1], ["X-Admission-Token"] = fan[2],
      ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
   if status == 409 then
      s409 = s409 + 1
   elseif status == 201 then
      s201 = s201 + 1
   else
      other = other + 1
      codes[status] = (codes[status] or 0) + 1
      local parts = {}
      for k, v in pairs(codes) do parts[#parts + 1] = k .. ":" .. v end
      table.sort(parts)
      codes_str = table.concat(parts, ",")
   end
end

function done(summary, latency, requests)
   local sum = { s409 = 0, s201 = 0, other = 0 }
   local codes_all, fans_total = {}, 0
   for _, t in ipairs(threads) do
      for k, _ in pairs(sum) do sum[k] = sum[k] + (t:get(k) or 0) end
      local c = t:get("codes_str") or ""
      if c ~= "" then codes_all[#codes_all + 1] = c end
   end
   local e = summary.errors
   io.write(string.format(
      "WRKSUM requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d s409=%d s201=%d other=%d codes=%s " ..
      "connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
      sum.s409, sum.s201, sum.other, (#codes_all > 0) and table.concat(codes_all, ";") or "none",
      e.connect, e.read, e.write, e.timeout))
end
