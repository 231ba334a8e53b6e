-- Shared by every scenario: one machine-readable line for bench/run.sh.
-- RESULT <scenario> <requests> <duration_us> <p50_us> <p99_us> <p99.9_us> <errors>
-- and, when errors > 0: ERRORS <scenario> connect=n read=n write=n status=n timeout=n
local M = {}
function M.done(name)
  return function(summary, latency, requests)
    local e = summary.errors
    local errors = e.connect + e.read + e.write + e.status + e.timeout
    io.write(string.format("RESULT %s %d %d %d %d %d %d\n", name, summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(99), latency:percentile(99.9), errors))
    if errors > 0 then -- which kind (status = a non-2xx/3xx answer; timeout = none within wrk's 2 s)
      io.write(string.format("ERRORS %s connect=%d read=%d write=%d status=%d timeout=%d\n", name,
        e.connect, e.read, e.write, e.status, e.timeout))
    end
  end
end
return M
