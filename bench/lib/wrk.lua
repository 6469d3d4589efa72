-- wrk script for the write scenarios: the method and body come from the
-- environment (BENCH_METHOD, BENCH_BODY_FILE); a JSON content type is sent.
wrk.method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_BODY_FILE")
if path then
  local f = assert(io.open(path, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end
