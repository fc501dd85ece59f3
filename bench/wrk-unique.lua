-- wrk script for the ingest benchmark: POSTs the body in WRK_BODY_FILE to every connection,
-- with each `__N__` replaced by a number unique to this request (the relay acknowledges a
-- repeated message id without queueing it again, so a constant body would measure nothing).
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local template, counter
local headers = {}

function init(args)
  local f = assert(io.open(os.getenv("WRK_BODY_FILE"), "r"))
  template = f:read("*a")
  f:close()
  counter = 0
  headers["Content-Type"] = "application/json"
  headers["Authorization"] = os.getenv("WRK_AUTH")
end

function request()
  counter = counter + 1
  local id = tostring(tid) .. "-" .. tostring(counter)
  local body = template:gsub("__N__", id)
  return wrk.format("POST", nil, headers, body)
end
