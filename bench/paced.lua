-- wrk script: "PAUSE BODY" POSTs BODY on every connection, each connection waiting
-- PAUSE milliseconds before each request, so a flood offers a known rate
-- (connections × 1000 / PAUSE per second at most).
local pause = 0

function init(args)
  pause = tonumber(args[1])
  wrk.method = "POST"
  wrk.body = args[2]
end

function delay()
  return pause
end
