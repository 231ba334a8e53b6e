-- sub of indices 1..KQF_INDICES of a push queue, round robin (every subscriber reads every item).
package.path = package.path .. ";" .. os.getenv("KQF_WRK") .. "/?.lua"
local report = require("report")
local queue = os.getenv("KQF_QUEUE") or "benchpush"
local indices = tonumber(os.getenv("KQF_INDICES") or "100")
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/sub?queue=" .. queue .. "&idx=" .. ((n % indices) + 1))
end
done = report.done(os.getenv("KQF_SCENARIO") or "sub")
