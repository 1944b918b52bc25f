#!/usr/bin/env python3
"""load.py - SMTP sessions at a steady rate through an MTA, each claiming a
client with XCLIENT; counts what became of every message.

  load.py HOST PORT RATE SECONDS TAG RCPT_DOMAIN

Each session: EHLO, XCLIENT ADDR=192.0.2.(100 + N % 100) (so that Postfix's
per-client connection limit does not count them as one), EHLO
good.sender.example.org, MAIL, RCPT user@RCPT_DOMAIN, DATA with the header
X-Load-Id: TAG-N, QUIT.
Prints one line: sent=N accepted=N tempfail=N rejected=N error=N, then the
ids accepted (one per line, "accepted TAG-N"), then each distinct 4xx/5xx
reply with its count ("reply N TEXT"). accepted: 250 after the final
dot; tempfail: a 4xx at any step; rejected: a 5xx; error: no SMTP answer
(refused, reset, timeout).
"""
import socket
import sys
import threading
import time


def reply(f):
    """Read one (possibly multi-line) SMTP reply; return its code and last line."""
    while True:
        line = f.readline()
        if not line:
            raise OSError("connection closed")
        if len(line) < 4 or line[3:4] != b"-":
            return int(line[:3]), line.decode("ascii", "replace").strip()


def session(host, port, tag, n, domain, texts):
    s = socket.create_connection((host, port), timeout=30)
    f = s.makefile("rb")
    try:
        steps = [None, b"EHLO load.test\r\n",
                 b"XCLIENT ADDR=192.0.2.%d NAME=[UNAVAILABLE]\r\n" % (100 + n % 100),
                 b"EHLO good.sender.example.org\r\n",
                 b"MAIL FROM:<load@sender.example.org>\r\n",
                 b"RCPT TO:<user@%s>\r\n" % domain.encode(), b"DATA\r\n",
                 ("Subject: load\r\nX-Load-Id: %s\r\n\r\nsession %s\r\n.\r\n" % (tag, tag)).encode()]
        for cmd in steps:
            if cmd is not None:
                s.sendall(cmd)
            code, text = reply(f)
            if code >= 400:
                texts.append(text)
                return "rejected" if code >= 500 else "tempfail"
        return "accepted"
    finally:
        try:
            s.sendall(b"QUIT\r\n")
        except OSError:
            pass
        s.close()


def main():
    host, port, rate, secs, tag, domain = (sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]),
                                           sys.argv[5], sys.argv[6])
    results = {}
    texts = []
    lock = threading.Lock()

    def run(n):
        ident = "%s-%d" % (tag, n)
        try:
            r = session(host, port, ident, n, domain, texts)
        except OSError:
            r = "error"
        with lock:
            results[ident] = r

    threads = []
    start = time.monotonic()
    n = 0
    while n < rate * secs:
        due = start + n / rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        t = threading.Thread(target=run, args=(n,))
        t.start()
        threads.append(t)
        n += 1
    for t in threads:
        t.join()
    counts = {k: 0 for k in ("accepted", "tempfail", "rejected", "error")}
    for r in results.values():
        counts[r] += 1
    print("sent=%d accepted=%d tempfail=%d rejected=%d error=%d" % (
        len(results), counts["accepted"], counts["tempfail"], counts["rejected"], counts["error"]))
    for ident, r in sorted(results.items()):
        if r == "accepted":
            print("accepted", ident)
    for text in sorted(set(texts)):
        print("reply", texts.count(text), text)


if __name__ == "__main__":
    main()
