-- t-metrics.lua - sessions whose every count metrics.test then expects in
-- /metrics, in Prometheus and in doorman -s: one trusted client, four
-- non-FQDN HELOs (refused, shadowed, exempt, authenticated), a listed
-- client, a policy split, and three messages to end of data (GTUBE tagged,
-- an authenticated one not scanned, a ham passed).
local t = dofile(os.getenv("DM_E2E") .. "/lib.lua")
mt.set_timeout(60)
local gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

-- 1: trusted_networks: accepted at CONNECT
local conn, r = t.open("trusted.example", "10.1.2.3")
t.check(r == SMFIR_ACCEPT, "trusted client accepted at connect: " .. t.rname(r))
mt.disconnect(conn)

-- 2-5: HELO senderdomain.local under four outcomes
local bad = "senderdomain.local"
r = t.session("host.sender.example.org", "192.0.2.7", bad, "<a@sender.example.org>", { "<m2@dest.example>" })
t.check(r == SMFIR_REPLYCODE, "non-FQDN HELO refused under default: " .. t.rname(r))
r = t.session("host.sender.example.org", "192.0.2.7", bad, "<a@sender.example.org>", { "<m3@shadow.example>" })
t.check(r == SMFIR_CONTINUE, "shadow.example: shadowed, accepted: " .. t.rname(r))
r = t.session("host.sender.example.org", "192.0.2.7", bad, "<a@sender.example.org>", { "<postmaster@dest.example>" })
t.check(r == SMFIR_CONTINUE, "postmaster exempt: " .. t.rname(r))
r = t.session("host.sender.example.org", "192.0.2.7", bad, "<a@sender.example.org>", { "<m5@dest.example>" },
	{ auth = "alice" })
t.check(r == SMFIR_CONTINUE, "authenticated sender: " .. t.rname(r))

-- 6: a client two lists name
r = t.session("[192.0.2.66]", "192.0.2.66", "good.sender.example.org", "<a@sender.example.org>", { "<m6@dest.example>" })
t.check(r == SMFIR_REPLYCODE, "listed client refused: " .. t.rname(r))

-- 7: a second recipient under another policy: split off (452)
local _, rs = t.session("good.sender.example.org", "192.0.2.20", "good.sender.example.org", "<a@sender.example.org>",
	{ "<m7@dest.example>", "<m8@strict.example>" })
t.check(rs[1] == SMFIR_CONTINUE and rs[2] == SMFIR_REPLYCODE, "split: " .. t.rname(rs[1]) .. ", " .. t.rname(rs[2]))

-- 8-10: messages to end of data
local function message(rcpt, body, qid, auth)
	local c = t.open("good.sender.example.org", "192.0.2.20")
	assert(mt.helo(c, "good.sender.example.org") == nil)
	if auth then assert(mt.macro(c, SMFIC_MAIL, "{auth_authen}", auth) == nil) end
	assert(mt.mailfrom(c, "<s@sender.example.org>") == nil)
	assert(mt.rcptto(c, rcpt) == nil)
	t.check(mt.getreply(c) == SMFIR_CONTINUE, rcpt .. " accepted")
	mt.header(c, "From", "s@sender.example.org")
	mt.header(c, "To", rcpt)
	mt.header(c, "Subject", "metrics " .. qid)
	mt.header(c, "Message-ID", "<" .. qid .. "@sender.example.org>")
	mt.header(c, "Date", "Tue, 01 Dec 2026 10:00:00 +0000")
	mt.eoh(c)
	mt.bodystring(c, body)
	mt.macro(c, SMFIC_MAIL, "i", qid)
	assert(mt.eom(c) == nil)
	local rr = mt.getreply(c)
	mt.disconnect(c)
	return rr
end
r = message("<m9@tagonly.example>", "This is the GTUBE:\r\n" .. gtube .. "\r\n", "4QMET1")
t.check(r == SMFIR_CONTINUE, "GTUBE tagged under tagonly.example: " .. t.rname(r))
r = message("<m10@dest.example>", "Hello,\r\nsee you tomorrow.\r\n", "4QMET2", "alice")
t.check(r == SMFIR_CONTINUE, "authenticated message not scanned: " .. t.rname(r))
r = message("<m11@dest.example>", "Hello Bob,\r\n\r\nthe minutes of today's meeting are attached to the\r\n"
	.. "ticket. Let me know if anything is missing.\r\n\r\nRegards,\r\nAlice\r\n", "4QMET3")
t.check(r == SMFIR_CONTINUE, "ham passed: " .. t.rname(r))
t.finish()
