-- t-helo.lua - HELO checks under the default policy, one row per case.
-- Each recipient is unique (rowN@dest.example) so miltertest.test can find
-- the row's log line and check the reply text and check= name.
local t = dofile(os.getenv("DM_E2E") .. "/lib.lua")
mt.set_timeout(15)

local C, R = SMFIR_CONTINUE, SMFIR_REPLYCODE
local rows = {
	-- id, client name, client ip, HELO, expected reply to RCPT
	{ 1, "good.sender.example.org", "192.0.2.20", "good.sender.example.org", C },
	{ 2, "[192.0.2.30]", "192.0.2.30", "senderdomain.local", R },
	{ 3, "[192.0.2.31]", "192.0.2.31", "nx.test.example.net", R },
	{ 4, "good.sender.example.org", "192.0.2.20", "[192.0.2.99]", R },
	{ 5, "good.sender.example.org", "192.0.2.20", "[192.0.2.20]", C },
	{ 6, "[192.0.2.32]", "192.0.2.32", "localhost", R },
	{ 7, "[192.0.2.33]", "192.0.2.33", "mx.test.example.net", R },
	{ 8, "[192.0.2.34]", "192.0.2.34", "192.0.2.34", R },
	{ 9, "[192.0.2.35]", "192.0.2.35", "exchange01", R },
	{ 10, "[192.0.2.36]", "192.0.2.36", "aaaa.test.example.net", C },
	{ 11, "[192.0.2.37]", "192.0.2.37", "mxonly.test.example.net", C },
	{ 12, "[192.0.2.38]", "192.0.2.38", "x.dead.test.example.net", C },
	{ 13, "[2001:db8::20]", "2001:db8::20", "[IPv6:2001:db8::20]", C },
	{ 14, "[2001:db8::20]", "2001:db8::20", "[IPv6:2001:db8::21]", R },
	{ 15, "[192.0.2.39]", "192.0.2.39", "[198.51.100.25]", R },
	{ 16, "[192.0.2.40]", "192.0.2.40", "bad..name.example", R },
	{ 17, "[192.0.2.41]", "192.0.2.41", "host.corp", R },
	{ 18, "[192.0.2.42]", "192.0.2.42", "MX.TEST.EXAMPLE.NET.", R },
	{ 19, "[192.0.2.43]", "192.0.2.43", "txtonly.test.example.net", R },
	{ 20, "[192.0.2.44]", "192.0.2.44", "a.test.example.net.", C },
	{ 21, "[192.0.2.45]", "192.0.2.45", "x.refused.test.example.net", C },
	{ 22, "[192.0.2.46]", "192.0.2.46", "%s%n%x.example", R },
}
for _, row in ipairs(rows) do
	local id, host, ip, helo, want = row[1], row[2], row[3], row[4], row[5]
	local rcpt = string.format("<row%d@dest.example>", id)
	local got = t.session(host, ip, helo, "<sender@sender.example.org>", { rcpt })
	t.check(got == want, string.format("row %d: HELO %s from %s: %s (want %s)", id, helo, ip,
		t.rname(got), t.rname(want)))
end

-- A trusted client is accepted at CONNECT, whatever it says later.
local conn, r = t.open("[10.1.2.3]", "10.1.2.3")
t.check(r == SMFIR_ACCEPT, "trusted 10.1.2.3: accepted at connect (" .. t.rname(r) .. ")")
mt.disconnect(conn)

t.finish()
