-- t-policy.lua - shadow mode, exempt recipients, authenticated senders,
-- one policy per message (452 4.5.3), several messages on one connection.
local t = dofile(os.getenv("DM_E2E") .. "/lib.lua")
mt.set_timeout(15)
local C, R = SMFIR_CONTINUE, SMFIR_REPLYCODE
local bad = "senderdomain.local"

-- shadow.example: HELO checks only logged
local r = t.session("[192.0.2.50]", "192.0.2.50", bad, "<a@sender.example.org>", { "<shadow1@shadow.example>" })
t.check(r == C, "shadow policy: bad HELO passes (" .. t.rname(r) .. ")")
t.check(t.logged("to=<shadow1@shadow.example>", ": shadow: would reject: RCPT from"), "shadow logged")

-- exempt recipients pass under an enforcing policy; others do not
local _, rs = t.session("[192.0.2.51]", "192.0.2.51", bad, "<a@sender.example.org>",
	{ "<postmaster@dest.example>", "<Abuse@dest.example>", "<user1@dest.example>" })
t.check(rs[1] == C, "postmaster exempt (" .. t.rname(rs[1]) .. ")")
t.check(rs[2] == C, "Abuse exempt (" .. t.rname(rs[2]) .. ")")
t.check(rs[3] == R, "ordinary recipient rejected (" .. t.rname(rs[3]) .. ")")
t.check(t.logged("to=<postmaster@dest.example>", "exempt=recipient"), "postmaster exempt logged")

-- an authenticated sender is not held to connect/HELO verdicts
r = t.session("[192.0.2.52]", "192.0.2.52", bad, "<alice@sender.example.org>", { "<auth1@dest.example>" },
	{ auth = "alice" })
t.check(r == C, "authenticated sender passes a bad HELO (" .. t.rname(r) .. ")")
t.check(t.logged("to=<auth1@dest.example>", "exempt=auth sasl_username=alice"), "auth exempt logged")

-- one policy per message: a recipient of another policy is deferred
_, rs = t.session("good.sender.example.org", "192.0.2.20", "good.sender.example.org", "<b@sender.example.org>",
	{ "<split1@dest.example>", "<split2@strict.example>", "<split3@dest.example>", "<split4@sub.strict.example>" })
t.check(rs[1] == C, "split: first recipient accepted (" .. t.rname(rs[1]) .. ")")
t.check(rs[2] == R, "split: other policy deferred (" .. t.rname(rs[2]) .. ")")
t.check(rs[3] == C, "split: same policy again accepted (" .. t.rname(rs[3]) .. ")")
t.check(rs[4] == R, "split: parent-domain policy deferred too (" .. t.rname(rs[4]) .. ")")
t.check(t.logged("to=<split2@strict.example>",
	"452 4.5.3 <split2@strict.example>: Recipient address has another filtering policy than the first"), "452 split logged")
t.check(t.logged("to=<split2@strict.example>", "policy=strict.example check=policy_split first_policy=default"),
	"452 split names both policies")

-- goaway.example words the reply its own way, with the offending TLD
r = t.session("[192.0.2.55]", "192.0.2.55", bad, "<g@sender.example.org>", { "<goaway1@goaway.example>" })
t.check(r == R, "goaway policy: refused (" .. t.rname(r) .. ")")
t.check(t.logged("to=<goaway1@goaway.example>",
	"554 5.7.1 <senderdomain.local>: Helo command rejected: Go away, bad guy (.local)"), "%o: the TLD in the reply")

-- strict.example rejects an unknown HELO that the default only defers
r = t.session("[192.0.2.53]", "192.0.2.53", "nx.test.example.net", "<c@sender.example.org>", { "<strict1@strict.example>" })
t.check(r == R, "strict policy: unknown HELO refused (" .. t.rname(r) .. ")")
t.check(t.logged("to=<strict1@strict.example>", "550 5.7.1 <nx.test.example.net>: Helo command rejected: Host not found"),
	"strict policy: 550")

-- dnsfail.example: a HELO whose lookup times out is deferred, never rejected
r = t.session("[192.0.2.54]", "192.0.2.54", "y.dead.test.example.net", "<d@sender.example.org>", { "<dnsfail1@dnsfail.example>" })
t.check(r == R, "dns failure under tempfail policy: deferred (" .. t.rname(r) .. ")")
t.check(t.logged("to=<dnsfail1@dnsfail.example>",
	"450 4.7.1 <y.dead.test.example.net>: Helo command rejected: Host not found (temporary DNS failure)"),
	"dns failure: 450 logged")

-- two messages on one connection, the second after an abort; HELO given twice
local conn = t.open("good.sender.example.org", "192.0.2.20")
mt.helo(conn, "senderdomain.local")
mt.helo(conn, "good.sender.example.org")
mt.mailfrom(conn, "<e@sender.example.org>")
mt.rcptto(conn, "<multi1@dest.example>")
t.check(mt.getreply(conn) == C, "second HELO replaces the first")
mt.abort(conn)
mt.mailfrom(conn, "<e@sender.example.org>")
mt.rcptto(conn, "<multi2@dest.example>")
t.check(mt.getreply(conn) == C, "message after abort")
mt.macro(conn, SMFIC_MAIL, "i", "4QTEST1")
t.check(mt.eom(conn) == nil and mt.getreply(conn) == C, "end of message")
mt.disconnect(conn)

t.finish()
