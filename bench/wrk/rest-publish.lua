-- REST publish: POST /queues/{queue} with a 16-byte text/plain body (one request, no guid).
package.path = package.path .. ";" .. os.getenv("KQF_WRK") .. "/?.lua"
local report = require("report")
local queue = os.getenv("KQF_QUEUE") or "restpub"
wrk.method = "POST"
wrk.path = "/queues/" .. queue
wrk.body = "0123456789abcdef"
wrk.headers["Content-Type"] = "text/plain"
done = report.done(os.getenv("KQF_SCENARIO") or "rest-publish-16B")
