-- put of a 16-byte item in the query (hustmq clients' GET /put?item=...).
package.path = package.path .. ";" .. os.getenv("KQF_WRK") .. "/?.lua"
local report = require("report")
local queue = os.getenv("KQF_QUEUE") or "bench"
wrk.method = "GET"
wrk.path = "/put?queue=" .. queue .. "&item=0123456789abcdef"
done = report.done(os.getenv("KQF_SCENARIO") or "put-16B")
