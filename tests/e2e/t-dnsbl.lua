-- t-dnsbl.lua - connect-stage DNS lists and client rDNS, one row per session.
-- Recipients are unique (bN@...) so dnsbl.test can find each row's log line.
local t = dofile(os.getenv("DM_E2E") .. "/lib.lua")
mt.set_timeout(15)
local C, R = SMFIR_CONTINUE, SMFIR_REPLYCODE
local good = "good.sender.example.org"

local rows = {
	-- id, client ip, HELO, recipient domain, expected reply
	{ 1, "192.0.2.66", good, "dest.example", R },        -- listed by bl (2) and bl2 (1)
	{ 2, "192.0.2.67", good, "dest.example", R },        -- bl 127.0.0.10 in the filter
	{ 3, "192.0.2.67", good, "scored.example", C },      -- score 2 < threshold 3
	{ 4, "192.0.2.66", good, "scored.example", R },      -- score 3 >= 3
	{ 5, "192.0.2.68", good, "dest.example", C },        -- error code: not a listing
	{ 6, "192.0.2.21", "senderdomain.local", "dest.example", C },  -- allowlisted: HELO not enforced
	{ 7, "2001:db8::66", "[IPv6:2001:db8::66]", "dest.example", R }, -- IPv6 client listed
	{ 8, "192.0.2.8", good, "rdns.example", R },         -- no PTR
	{ 9, "192.0.2.9", good, "rdns.example", R },         -- PTR does not resolve back
	{ 10, "192.0.2.20", good, "rdns.example", C },       -- FCrDNS ok
	{ 11, "192.0.2.66", good, "txt.example", R },        -- reply carries the TXT
	{ 12, "192.0.2.66", good, "shadowbl.example", C },   -- DNSBL in shadow mode
	{ 13, "192.0.2.30", good, "dest.example", C },       -- not listed anywhere
}
for _, row in ipairs(rows) do
	local id, ip, helo, dom, want = row[1], row[2], row[3], row[4], row[5]
	local got = t.session("[" .. ip .. "]", ip, helo, "<s@sender.example.org>",
		{ string.format("<b%d@%s>", id, dom) })
	t.check(got == want, string.format("row %d: %s HELO %s to %s: %s (want %s)", id, ip, helo, dom,
		t.rname(got), t.rname(want)))
end

-- a listed client still reaches postmaster
local r = t.session("[192.0.2.66]", "192.0.2.66", good, "<s@sender.example.org>", { "<postmaster@dest.example>" })
t.check(r == C, "listed client reaches postmaster (" .. t.rname(r) .. ")")

t.finish()
