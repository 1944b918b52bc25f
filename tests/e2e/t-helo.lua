-- t-helo.lua - HELO checks under the default policy, one row per case: the
-- session, the reply miltertest sees, and what doorman's log line for the
-- row's unique recipient (rowN@dest.example) must say (the reply text that
-- the client gets and the check= name; miltertest cannot see the text).
local t = dofile(os.getenv("DM_E2E") .. "/lib.lua")
mt.set_timeout(15)

local C, R = SMFIR_CONTINUE, SMFIR_REPLYCODE
local rows = {
	-- id, client name, client ip, HELO, reply to RCPT, what its log line says (nil: no line)
	{ 1, "good.sender.example.org", "192.0.2.20", "good.sender.example.org", C },
	{ 2, "[192.0.2.30]", "192.0.2.30", "senderdomain.local", R,
	  ": reject: RCPT from [192.0.2.30][192.0.2.30]: 554 5.7.1 <senderdomain.local>: Helo command rejected: "
	  .. "need fully-qualified hostname (reserved TLD .local)", "policy=default check=helo_non_fqdn" },
	{ 3, "[192.0.2.31]", "192.0.2.31", "nx.test.example.net", R,
	  ": defer: RCPT from [192.0.2.31][192.0.2.31]: 450 4.7.1 <nx.test.example.net>: Helo command rejected: Host not found;",
	  "check=helo_unknown" },
	{ 4, "good.sender.example.org", "192.0.2.20", "[192.0.2.99]", R,
	  "554 5.7.1 <[192.0.2.99]>: Helo command rejected: address literal is not your address 192.0.2.20" },
	{ 5, "good.sender.example.org", "192.0.2.20", "[192.0.2.20]", C },
	{ 6, "[192.0.2.32]", "192.0.2.32", "localhost", R, "check=helo_localhost" },
	{ 7, "[192.0.2.33]", "192.0.2.33", "mx.test.example.net", R, "you are not me" },
	{ 8, "[192.0.2.34]", "192.0.2.34", "192.0.2.34", R, "check=helo_bare_ip" },
	{ 9, "[192.0.2.35]", "192.0.2.35", "exchange01", R, "<exchange01>: Helo command rejected: need fully-qualified hostname" },
	{ 10, "[192.0.2.36]", "192.0.2.36", "aaaa.test.example.net", C },
	{ 11, "[192.0.2.37]", "192.0.2.37", "mxonly.test.example.net", C },
	{ 12, "[192.0.2.38]", "192.0.2.38", "x.dead.test.example.net", C },
	{ 13, "[2001:db8::20]", "2001:db8::20", "[IPv6:2001:db8::20]", C },
	{ 14, "[2001:db8::20]", "2001:db8::20", "[IPv6:2001:db8::21]", R, "check=helo_literal_mismatch" },
	{ 15, "[192.0.2.39]", "192.0.2.39", "[198.51.100.25]", R, "check=helo_forged" },
	{ 16, "[192.0.2.40]", "192.0.2.40", "bad..name.example", R,
	  "501 5.5.2 <bad..name.example>: Helo command rejected: Invalid name (empty label)" },
	{ 17, "[192.0.2.41]", "192.0.2.41", "host.corp", R, "(reserved TLD .corp)" },
	{ 18, "[192.0.2.42]", "192.0.2.42", "MX.TEST.EXAMPLE.NET.", R, "check=helo_forged" },
	{ 19, "[192.0.2.43]", "192.0.2.43", "txtonly.test.example.net", R, "check=helo_unknown" },
	{ 20, "[192.0.2.44]", "192.0.2.44", "a.test.example.net.", C },
	{ 21, "[192.0.2.45]", "192.0.2.45", "x.refused.test.example.net", C },
	{ 22, "[192.0.2.46]", "192.0.2.46", "%s%n%x.example", R, "<%25s%25n%25x.example>: Helo command rejected: Invalid name" },
}
for _, row in ipairs(rows) do
	local id, host, ip, helo, want = row[1], row[2], row[3], row[4], row[5]
	local key = string.format("to=<row%d@dest.example>", id)
	local got = t.session(host, ip, helo, "<sender@sender.example.org>", { "<" .. key:sub(5) })
	t.check(got == want, string.format("row %d: HELO %s from %s: %s (want %s)", id, helo, ip,
		t.rname(got), t.rname(want)))
	if row[6] == nil then
		t.check(not t.logged(key, key), string.format("row %d: no refusal logged", id))
	end
	for i = 6, 7 do
		if row[i] ~= nil then
			t.check(t.logged(key, row[i]), string.format("row %d: logged %s", id, row[i]))
		end
	end
end

-- A trusted client is accepted at CONNECT, whatever it says later.
local conn, r = t.open("[10.1.2.3]", "10.1.2.3")
t.check(r == SMFIR_ACCEPT, "trusted 10.1.2.3: accepted at connect (" .. t.rname(r) .. ")")
mt.disconnect(conn)

t.finish()
