-- t-stall.lua - a milter client that pauses (an MTA that is slow, or one
-- that lets its client pace the content phase) against [spamd]
-- timeout_ms = 1000 and max_parallel = 1, with a fake spamd that answers at
-- once (GTUBE: 1000 points). Run by spamd-stall.test, which checks the log.
-- Each row failed on the old code: the spamd session opened at the first
-- header and its one deadline ran from there; the slot was held to the end.
local t = dofile(os.getenv("DM_E2E") .. "/lib.lua")
mt.set_timeout(60)
local gtube = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X"

local function sleep(s) os.execute("sleep " .. s) end

-- A session up to the body: headers, then body chunks of up to 16000 bytes,
-- bytes in all (the GTUBE line first when spam). No end of message.
local function start(id, rcpt, bytes, spam)
	local conn = t.open("good.sender.example.org", "192.0.2.20")
	assert(mt.helo(conn, "good.sender.example.org") == nil)
	assert(mt.mailfrom(conn, "<" .. id .. "@sender.example.org>") == nil)
	assert(mt.rcptto(conn, rcpt) == nil)
	t.check(mt.getreply(conn) == SMFIR_CONTINUE, id .. ": recipient accepted")
	mt.header(conn, "From", id .. "@sender.example.org")
	mt.header(conn, "Subject", "stall " .. id)
	mt.eoh(conn)
	local first = spam and ("GTUBE:\r\n" .. gtube .. "\r\n") or "Hello,\r\nnothing to see.\r\n"
	assert(mt.bodystring(conn, first) == nil)
	local left = bytes - #first
	local line = string.rep("x", 78) .. "\r\n"
	while left > 0 do
		local n = math.min(left, 16000)
		assert(mt.bodystring(conn, string.rep(line, math.ceil(n / 80)):sub(1, n)) == nil)
		left = left - n
	end
	return conn
end

local function finish(conn, qid)
	mt.macro(conn, SMFIC_MAIL, "i", qid)
	assert(mt.eom(conn) == nil)
	local r = mt.getreply(conn)
	mt.disconnect(conn)
	return r
end

-- 1. a 3 s pause before the end of message: spamd answers at once, so the
-- verdict stands (old: action=unscanned, "timeout after 1000 ms")
local a = start("pause3", "<u1@dest.example>", 600, true)
sleep(3)
local r = finish(a, "4QSTALL1")
t.check(r == SMFIR_REPLYCODE, "3 s pause before EOM: GTUBE still rejected (" .. t.rname(r) .. ")")

-- 2. a short message stalls (3 s) while another session's GTUBE comes and
-- goes: the stalled one holds no spamd slot (old: the GTUBE waited 1000 ms
-- for the one slot, then passed unscanned)
a = start("short-stalled", "<u2@dest.example>", 4000, false)
local b = start("gtube2", "<u3@dest.example>", 600, true)
r = finish(b, "4QSTALL2B")
t.check(r == SMFIR_REPLYCODE, "GTUBE beside a stalled short message: rejected (" .. t.rname(r) .. ")")
sleep(3)
r = finish(a, "4QSTALL2A")
t.check(r == SMFIR_CONTINUE, "the stalled short message: passed after its pause (" .. t.rname(r) .. ")")

-- 3. a 64 KiB message holds the slot and stalls: a GTUBE that comes after a
-- second of silence takes the slot over (spamd scores the stalled one's
-- first part: truncated=stalled)
a = start("long-stalled", "<u4@dest.example>", 65536, false)
sleep(1.2)
b = start("gtube3", "<u5@dest.example>", 600, true)
r = finish(b, "4QSTALL3B")
t.check(r == SMFIR_REPLYCODE, "GTUBE beside a stalled 64 KiB message: rejected (" .. t.rname(r) .. ")")
sleep(2)
r = finish(a, "4QSTALL3A")
t.check(r == SMFIR_CONTINUE, "the stalled 64 KiB message: judged on its first part (" .. t.rname(r) .. ")")

-- 4. the stalled 64 KiB message is spam: taking its slot over does not let
-- it pass (its GTUBE was in the part spamd got)
a = start("long-spam", "<u6@dest.example>", 65536, true)
sleep(1.2)
b = start("ham4", "<u7@dest.example>", 600, false)
r = finish(b, "4QSTALL4B")
t.check(r == SMFIR_CONTINUE, "ham beside a stalled 64 KiB spam: passed (" .. t.rname(r) .. ")")
r = finish(a, "4QSTALL4A")
t.check(r == SMFIR_REPLYCODE, "the stalled 64 KiB spam: still rejected (" .. t.rname(r) .. ")")
t.finish()
