-- t-spam.lua - the content stage through miltertest with a real spamd:
-- GTUBE tagged under a tag-only policy, spoofed X-Spam-Flag copies deleted.
local t = dofile(os.getenv("DM_E2E") .. "/lib.lua")
mt.set_timeout(60)
local gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

local conn = t.open("good.sender.example.org", "192.0.2.20")
assert(mt.helo(conn, "good.sender.example.org") == nil)
assert(mt.mailfrom(conn, "<s@sender.example.org>") == nil)
assert(mt.rcptto(conn, "<lua1@tagonly.example>") == nil)
t.check(mt.getreply(conn) == SMFIR_CONTINUE, "recipient accepted")
mt.header(conn, "From", "s@sender.example.org")
mt.header(conn, "To", "lua1@tagonly.example")
mt.header(conn, "Subject", "hello")
mt.header(conn, "X-Spam-Flag", "YES")
mt.header(conn, "X-Spam-Flag", "YES")
mt.header(conn, "X-Spam-Status", "No, score=-100")
mt.eoh(conn)
mt.bodystring(conn, "This is the GTUBE:\r\n" .. gtube .. "\r\n")
mt.macro(conn, SMFIC_MAIL, "i", "4QSPAM1")
assert(mt.eom(conn) == nil)
t.check(mt.getreply(conn) == SMFIR_CONTINUE, "GTUBE under tag-only: accepted")
t.check(mt.eom_check(conn, MT_HDRADD, "X-Spam-Flag", "YES"), "X-Spam-Flag: YES added")
t.check(mt.eom_check(conn, MT_HDRDELETE, "X-Spam-Flag"), "spoofed X-Spam-Flag deleted")
t.check(mt.eom_check(conn, MT_HDRDELETE, "X-Spam-Status"), "spoofed X-Spam-Status deleted")
t.check(mt.eom_check(conn, MT_HDRCHANGE, "Subject", "[SPAM] hello"), "Subject tagged")
local st = mt.getheader(conn, "X-Spam-Status", 0)
-- GTUBE scores 1000 plus whatever else the message hits
t.check(st ~= nil and string.find(st, "^Yes, score=1%d%d%d%.%d required=5.0 tests=.*GTUBE") ~= nil,
	"X-Spam-Status: " .. tostring(st))
local sc = mt.getheader(conn, "X-Spam-Score", 0)
t.check(sc ~= nil and string.find(sc, "^1%d%d%d%.%d$") ~= nil, "X-Spam-Score " .. tostring(sc))
mt.disconnect(conn)

-- explain = yes: X-Doorman says what doorman found and did; a spoofed copy goes
conn = t.open("[192.0.2.20]", "192.0.2.20")
assert(mt.helo(conn, "senderdomain.local") == nil)
assert(mt.mailfrom(conn, "<s@sender.example.org>") == nil)
assert(mt.rcptto(conn, "<lua2@explain.example>") == nil)
t.check(mt.getreply(conn) == SMFIR_CONTINUE, "explain: shadowed HELO, recipient accepted")
mt.header(conn, "Subject", "hello")
mt.header(conn, "X-Doorman", "policy=default; findings=none")
mt.eoh(conn)
mt.bodystring(conn, "GTUBE:\r\n" .. gtube .. "\r\n")
mt.macro(conn, SMFIC_MAIL, "i", "4QSPAM2")
assert(mt.eom(conn) == nil)
t.check(mt.eom_check(conn, MT_HDRDELETE, "X-Doorman"), "explain: the spoofed X-Doorman deleted")
local x = mt.getheader(conn, "X-Doorman", 0)
t.check(x ~= nil and string.find(x, "^policy=explain.example;%s+findings=helo_non_fqdn,helo_unknown %(shadow%); dnsbl=0;") ~= nil
	and string.find(x, "spam=1%d%d%d%.%d/5.0 tag") ~= nil
	and string.find(x, "; session=" .. string.rep("%x", 13) .. "$") ~= nil, "X-Doorman: " .. tostring(x))
mt.disconnect(conn)
t.finish()
