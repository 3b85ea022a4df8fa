-- wrk script for DPoP: each request takes the next line of FILE, "PROOF" or
-- "PROOF VALUE", and sends PROOF in the header HEADER (a proof is single-use, so every
-- request needs its own). "HEADER post PREFIX FILE" POSTs PREFIX .. VALUE as the form
-- body; "HEADER get FILE" sends a GET. The -H headers given to wrk (Authorization...)
-- are kept. Each thread takes every n-th line so no proof is sent twice.
-- The Bearer rows send the same lines under a header the server ignores, so the load
-- generator does the same work and sends the same bytes for both.
local header, mode, prefix, values, index, step = nil, nil, nil, {}, 0, 1
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  header, mode = args[1], args[2]
  local file
  if mode == "post" then
    prefix, file = args[3], args[4]
  else
    prefix, file = "", args[3]
  end
  for line in io.lines(file) do values[#values + 1] = line end
  index = id
  step = 2
end

function request()
  index = index + step
  local line = values[(index % #values) + 1]
  local proof, value = line:match("^(%S+)%s?(.*)$")
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  headers[header] = proof
  if mode == "post" then
    return wrk.format("POST", nil, headers, prefix .. value)
  end
  return wrk.format("GET", nil, headers, nil)
end
