-- wrk script of benches/load/distinct.sh: every request asks a random path of the file given
-- after `--` (one path per line), so a path set larger than the request count makes almost
-- every question a new one. Each thread reads the file and seeds its own generator. A second
-- argument is a bearer token sent with every request (the staff routes).
local paths = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  math.randomseed(os.time() * 1000 + (id or 0))
  if args[2] then
    wrk.headers["Authorization"] = "Bearer " .. args[2]
  end
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
