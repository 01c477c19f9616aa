-- wrk script of queue-bench.sh (P1): POST /api/queues/<id>/entries, every request with its own pre-signed token.
-- Environment (read by every thread and by done()):
--   BENCH_TOKENS   token file, one access token per line
--   BENCH_THREADS  wrk -t (thread i takes lines i, i+T, i+2T, ... — its own slice of the file)
--   BENCH_MODE     fresh: each token of the slice once; a request after the slice is used up wraps around and is
--                  counted as "reused" (reported: it should be 0, else give more tokens)
--                  reuse: the same fans again, on purpose: cycles over the tokens the thread used in the fresh run
--                  (counts read from BENCH_USED), i.e. re-entries of fans already in the line
--   BENCH_USED     fresh: done() writes "<thread> <tokens used>" lines there; reuse: read from there
-- done() prints one line: WRKSUM key=value ...

local threads = {}
local next_tid = 0

function setup(thread)
   thread:set("tid", next_tid)
   next_tid = next_tid + 1
   table.insert(threads, thread)
end

function init(args)
   local file = os.getenv("BENCH_TOKENS")
   local nthreads = tonumber(os.getenv("BENCH_THREADS"))
   mode = os.getenv("BENCH_MODE") or "fresh"
   local limit = nil
   if mode == "reuse" then
      limit = 0
      for line in io.lines(os.getenv("BENCH_USED")) do
         local t, n = line:match("^(%d+) (%d+)")
         if tonumber(t) == tid then limit = tonumber(n) end
      end
   end
   tokens = {}
   local i = 0
   for line in io.lines(file) do
      if i % nthreads == tid and line ~= "" then
         if limit ~= nil and #tokens >= limit then break end
         tokens[#tokens + 1] = "Bearer " .. line
      end
      i = i + 1
   end
   idx, sent, reused = 0, 0, 0
   s201, s200, s2xx, non2xx = 0, 0, 0, 0
   codes = {}
   codes_str = ""
end

function request()
   idx = idx + 1
   if idx > #tokens then
      idx = 1
      wrapped = true
   end
   if wrapped and mode == "fresh" then reused = reused + 1 end
   sent = sent + 1
   return wrk.format("POST", nil, { Authorization = tokens[idx] }, "")
end

function response(status, headers, body)
   if status == 201 then
      s201 = s201 + 1
   elseif status == 200 then
      s200 = s200 + 1
   elseif status >= 200 and status < 300 then
      s2xx = s2xx + 1
   else
      non2xx = non2xx + 1
      codes[status] = (codes[status] or 0) + 1
      local parts = {}
      for k, v in pairs(codes) do parts[#parts + 1] = k .. ":" .. v end
      table.sort(parts)
      codes_str = table.concat(parts, ",")
   end
end

function done(summary, latency, requests)
   local sum = { sent = 0, reused = 0, s201 = 0, s200 = 0, s2xx = 0, non2xx = 0 }
   local codes_all = {}
   local used = {}
   for _, t in ipairs(threads) do
      for k, _ in pairs(sum) do sum[k] = sum[k] + (t:get(k) or 0) end
      local c = t:get("codes_str") or ""
      if c ~= "" then codes_all[#codes_all + 1] = c end
      used[#used + 1] = t:get("tid") .. " " .. (t:get("sent") or 0)
   end
   local f = os.getenv("BENCH_USED")
   if os.getenv("BENCH_MODE") == "fresh" and f and f ~= "" then
      local out = io.open(f, "w")
      out:write(table.concat(used, "\n") .. "\n")
      out:close()
   end
   local e = summary.errors
   io.write(string.format(
      "WRKSUM requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d sent=%d reused=%d " ..
      "s201=%d s200=%d s2xx_other=%d non2xx=%d codes=%s connect_err=%d read_err=%d write_err=%d timeouts=%d\n",
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, sum.sent, sum.reused, sum.s201, sum.s200, sum.s2xx, sum.non2xx,
      (#codes_all > 0) and table.concat(codes_all, ";") or "none",
      e.connect, e.read, e.write, e.timeout))
end
