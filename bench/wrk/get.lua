-- get with ack=true (the default) from a pre-filled queue.
package.path = package.path .. ";" .. os.getenv("KQF_WRK") .. "/?.lua"
local report = require("report")
local queue = os.getenv("KQF_QUEUE") or "bench"
wrk.method = "GET"
wrk.path = "/get?queue=" .. queue .. "&worker=bench-worker"
done = report.done(os.getenv("KQF_SCENARIO") or "get-ack")
