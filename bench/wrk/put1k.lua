-- put of a 1 KB item as the PUT body.
package.path = package.path .. ";" .. os.getenv("KQF_WRK") .. "/?.lua"
local report = require("report")
local queue = os.getenv("KQF_QUEUE") or "bench"
wrk.method = "PUT"
wrk.path = "/put?queue=" .. queue
wrk.body = string.rep("x", 1024)
done = report.done(os.getenv("KQF_SCENARIO") or "put-1KB")
