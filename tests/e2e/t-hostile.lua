-- t-hostile.lua - a client whose name, HELO and sender hold blanks, ' key=',
-- '<', '>', ';' and quotes: each value is logged as one value (escaped as
-- %XX, see doorman(8) LOGGING), so no line gets a field the client wrote.
-- miltertest.test then reads the lines through doorman-report's parser.
local t = dofile(os.getenv("DM_E2E") .. "/lib.lua")
mt.set_timeout(30)

local _, r = t.session("evil.example key=y", "192.0.2.47", "evil.example key=x to=<victim@a>",
	"<\"x; to=<victim@b> \"@sender.example.org>", { "<user@dest.example>", "<postmaster@dest.example>" },
	{ eom = "4QHOST1" })
t.check(r[1] == SMFIR_REPLYCODE, "hostile HELO: the first recipient is refused (" .. t.rname(r[1]) .. ")")
t.check(r[2] == SMFIR_CONTINUE, "postmaster passes (" .. t.rname(r[2]) .. ")")
t.check(t.logged("to=<user@dest.example>", "helo=<evil.example%20key=x%20to=%3Cvictim@a%3E> "),
	"the HELO is one value in the recipient line")
t.check(t.logged("to=<user@dest.example>", "<evil.example%20key=x%20to=%3Cvictim@a%3E>: Helo command rejected"),
	"and in the reply it logs")
t.check(t.logged("4QHOST1: accept:", "client=evil.example%20key=y[192.0.2.47] "), "the client name is one value")
t.finish()
