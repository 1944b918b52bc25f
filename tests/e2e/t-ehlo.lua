-- t-ehlo.lua - one session sending HELO after HELO with names of its own
-- choosing: only the first 3 distinct names are looked up; a later name is
-- judged as not found (helo_unknown: 450 Host not found under the default
-- policy), never as a DNS error that unknown_on_dns_error = pass lets by.
local t = dofile(os.getenv("DM_E2E") .. "/lib.lua")
mt.set_timeout(30)

local function flood(rcpt, n)
	local conn = t.open("flood.example.org", "192.0.2.20")
	for i = 1, n do
		assert(mt.helo(conn, "h" .. i .. ".flood.example.org") == nil)
	end
	-- the same name again costs nothing either
	assert(mt.helo(conn, "h" .. n .. ".flood.example.org") == nil)
	assert(mt.mailfrom(conn, "<f@sender.example.org>") == nil)
	assert(mt.rcptto(conn, rcpt) == nil)
	local r = mt.getreply(conn)
	mt.disconnect(conn)
	return r
end

t.check(flood("<flood1@dnsfail.example>", 300) == SMFIR_REPLYCODE,
	"300 EHLOs, unknown_on_dns_error = tempfail: the last name, not looked up, is deferred")
t.check(t.logged("to=<flood1@dnsfail.example>",
	"450 4.7.1 <h300.flood.example.org>: Helo command rejected: Host not found; "),
	"the capped name's 450 logged")
t.check(t.logged("to=<flood1@dnsfail.example>", "check=helo_unknown"), "as helo_unknown")
t.check(flood("<flood2@dest.example>", 50) == SMFIR_REPLYCODE,
	"50 EHLOs under the default policy (unknown_on_dns_error = pass): deferred all the same")
t.check(t.logged("to=<flood2@dest.example>", "check=helo_unknown"), "logged as helo_unknown")
t.finish()
