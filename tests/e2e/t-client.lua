-- t-client.lua - one session up to RCPT from DM_CLIENT (an IPv4 address)
-- to DM_RCPT; the reply must be DM_WANT ("replycode" or "continue").
-- zones-selftest.test and bench/zones-late.sh run it once per session.
local t = dofile(os.getenv("DM_E2E") .. "/lib.lua")
mt.set_timeout(15)
local ip, rcpt, want = os.getenv("DM_CLIENT"), os.getenv("DM_RCPT"), os.getenv("DM_WANT")
local r = t.session("[" .. ip .. "]", ip, "good.sender.example.org", "<s@sender.example.org>", { rcpt })
t.check(t.rname(r) == want, string.format("%s to %s: %s (want %s)", ip, rcpt, t.rname(r), want))
t.finish()
