-- t-suspended.lua - with all.test.example.net suspended by the self-test, a
-- client it would "list" is accepted.
local t = dofile(os.getenv("DM_E2E") .. "/lib.lua")
mt.set_timeout(15)
local r = t.session("[192.0.2.30]", "192.0.2.30", "good.sender.example.org", "<s@sender.example.org>",
	{ "<susp1@dest.example>" })
t.check(r == SMFIR_CONTINUE, "client of a suspended zone passes (" .. t.rname(r) .. ")")
t.finish()
