-- t-stop.lua - SIGTERM while a session is open: the open session finishes,
-- a new one is deferred at CONNECT, and doorman exits once the open one is
-- closed. DM_PID is doorman's pid.
local t = dofile(os.getenv("DM_E2E") .. "/lib.lua")
mt.set_timeout(10)

local conn = t.open("good.sender.example.org", "192.0.2.20")
assert(mt.helo(conn, "[192.0.2.20]") == nil)
os.execute("kill -TERM " .. os.getenv("DM_PID"))
mt.sleep(0.5)
local c2, r2 = t.open("late.example.org", "192.0.2.21")
t.check(r2 == SMFIR_TEMPFAIL, "a session that starts while stopping is deferred: " .. t.rname(r2))
mt.disconnect(c2)
assert(mt.mailfrom(conn, "<s@sender.example.org>") == nil)
assert(mt.rcptto(conn, "<stop1@dest.example>") == nil)
t.check(mt.getreply(conn) == SMFIR_CONTINUE, "the open session goes on after SIGTERM")
mt.disconnect(conn)
t.finish()
