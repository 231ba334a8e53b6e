-- pub of a 16-byte item to a push queue.
package.path = package.path .. ";" .. os.getenv("KQF_WRK") .. "/?.lua"
local report = require("report")
local queue = os.getenv("KQF_QUEUE") or "benchpush"
wrk.method = "GET"
wrk.path = "/pub?queue=" .. queue .. "&item=0123456789abcdef"
done = report.done(os.getenv("KQF_SCENARIO") or "pub-16B")
