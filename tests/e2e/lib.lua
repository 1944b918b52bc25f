-- lib.lua - helpers shared by doorman's miltertest scripts.
-- A failed check is printed and counted; the script exits 1 at the end if any
-- failed (a Lua error would make miltertest exit 1 without a word).
local M = { fails = 0, passes = 0 }

M.sock = os.getenv("DM_SOCK") and ("unix:" .. os.getenv("DM_SOCK")) or error("DM_SOCK not set")

function M.check(cond, what)
	if cond then
		M.passes = M.passes + 1
		print("ok: " .. what)
	else
		M.fails = M.fails + 1
		print("FAIL: " .. what)
	end
end

M.names = {
	[SMFIR_CONTINUE] = "continue", [SMFIR_REPLYCODE] = "replycode", [SMFIR_ACCEPT] = "accept",
	[SMFIR_REJECT] = "reject", [SMFIR_TEMPFAIL] = "tempfail", [SMFIR_DISCARD] = "discard",
}
function M.rname(r) return M.names[r] or tostring(r) end

-- Open a connection and say CONNECT; returns conn and the reply to CONNECT.
function M.open(host, ip)
	local conn = mt.connect(M.sock, 40, 0.05)
	if conn == nil then error("cannot connect to " .. M.sock) end
	local err = mt.conninfo(conn, host, ip)
	if err ~= nil then error("conninfo: " .. err) end
	return conn, mt.getreply(conn)
end

-- A whole session up to RCPT; returns the reply to the (last) RCPT.
-- opts: auth = SASL login; rcpts = list of recipients.
function M.session(host, ip, helo, from, rcpts, opts)
	opts = opts or {}
	local conn, r = M.open(host, ip)
	if r ~= SMFIR_CONTINUE then mt.disconnect(conn); return r, {} end
	assert(mt.helo(conn, helo) == nil, "helo")
	if opts.auth then
		assert(mt.macro(conn, SMFIC_MAIL, "{auth_authen}", opts.auth) == nil, "macro")
	end
	assert(mt.mailfrom(conn, from) == nil, "mailfrom")
	local replies = {}
	for i, rcpt in ipairs(rcpts) do
		assert(mt.rcptto(conn, rcpt) == nil, "rcptto")
		replies[i] = mt.getreply(conn)
	end
	if opts.eom then
		mt.macro(conn, SMFIC_MAIL, "i", opts.eom)
		assert(mt.eom(conn) == nil, "eom")
		replies.eom = mt.getreply(conn)
	end
	mt.disconnect(conn)
	return replies[#replies], replies
end

-- doorman's log (DM_LOG): does the line that names key (plain text, e.g.
-- "to=<row2@dest.example>") contain want (plain text)? doorman writes a
-- recipient's line before it answers, so the line is there once the reply is.
M.log = os.getenv("DM_LOG")
function M.logged(key, want)
	local f = M.log and io.open(M.log, "r")
	if not f then return false end
	for line in f:lines() do
		if string.find(line, key, 1, true) and string.find(line, want, 1, true) then
			f:close()
			return true
		end
	end
	f:close()
	return false
end

function M.finish()
	print(string.format("%d passed, %d failed", M.passes, M.fails))
	if M.fails > 0 then os.exit(1) end
	os.exit(0)
end

return M
