-- wrk script: POST a form body. "static BODY" sends the same body every time;
-- "list PREFIX FILE" appends the next line of FILE (single-use codes, refresh tokens),
-- each thread taking every n-th line so no value is sent twice.
local mode, prefix, values, index, step = nil, nil, {}, 0, 1
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode, prefix = args[1], args[2]
  if mode == "list" then
    for line in io.lines(args[3]) do values[#values + 1] = line end
  end
  index = id
  step = 2
  wrk.method = "POST"
end

function request()
  local body = prefix
  if mode == "list" then
    index = index + step
    local v = values[(index % #values) + 1]
    body = prefix .. v
  end
  return wrk.format("POST", nil, nil, body)
end
