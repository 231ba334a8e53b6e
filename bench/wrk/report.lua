-- Shared by every scenario: one machine-readable line for bench/run.sh.
-- RESULT <scenario> <requests> <duration_us> <p50_us> <p99_us> <p99.9_us> <errors>
local M = {}
function M.done(name)
  return function(summary, latency, requests)
    local e = summary.errors
    local errors = e.connect + e.read + e.write + e.status + e.timeout
    io.write(string.format("RESULT %s %d %d %d %d %d %d\n", name, summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(99), latency:percentile(99.9), errors))
  end
end
return M
