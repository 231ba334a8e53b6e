-- REST guid publish: POST /queues/{queue}?guid=<unique> with a 16-byte body. Every guid is new
-- (a run id, the wrk thread and a counter), so each request is a first publish: a dedup claim
-- written to Kafka, then the message.
package.path = package.path .. ";" .. os.getenv("KQF_WRK") .. "/?.lua"
local report = require("report")
local queue = os.getenv("KQF_QUEUE") or "restguid"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
local run = tostring(os.time())
request = function()
  n = n + 1
  return wrk.format("POST", "/queues/" .. queue .. "?guid=" .. run .. "-" .. tid .. "-" .. n,
    { ["Content-Type"] = "text/plain" }, "0123456789abcdef")
end
done = report.done(os.getenv("KQF_SCENARIO") or "rest-guid-16B")
