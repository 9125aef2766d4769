#!/usr/bin/env python3
"""Writes the seed corpus of the session fuzzer (tests/fuzz/corpus/seed-*).

An input is: one setup byte (blocking mode = b % 3: none, after HELO, always; server =
(b // 3) % 3: qmail-smtpd, qmail-smtpd lenient about bare LF, exim's framing), the client's byte stream as a 2-byte little-endian length and the
bytes, then operations of 3 bytes each (op % 6, then a 2-byte count): 0 client writes,
1 server reads, 2 server writes, 3 client reads, 4 DNS answers, 5 client closes.
"""
import os
import struct

HELO = b"EHLO bad.example\r\n"
MAIL = b"MAIL FROM:<a@example.org>\r\n"
RCPT = b"RCPT TO:<b@example.org>\r\n"

STREAMS = {
    "pipelining": HELO + MAIL + RCPT * 3 + b"rcpt to:<c@x>\r\n RCPT TO:<d@x>\r\nRCPT\r\nDATA\r\nQUIT\r\n",
    "no-helo": MAIL + RCPT + b"HELO x\r\n" + MAIL + RCPT + b"QUIT\r\n",
    "auth": HELO + b"AUTH LOGIN\r\ndXNlcg==\r\ncGFzcw==\r\n" + MAIL + RCPT + b"AUTH PLAIN AHUAcA==\r\n*\r\n",
    "starttls": b"STARTTLS\r\n" + HELO + b"STARTTLS\r\nRCPT TO:<x@y>\r\n" + b"EHLO good.example\r\nSTARTTLS\r\n\x16\x03\x01junk\r\nRCPT TO:<z@y>\r\n",
    "data-dots": b"HELO good.example\r\n" + MAIL + RCPT + b"DATA\r\nSubject: x\r\n\r\n..leading dot\r\n.x\r\nRCPT TO:<in-body@x>\r\n.\r\n" + MAIL + RCPT + b"DATA\r\n.\r\nQUIT\r\n",
    "nul-bytes": b"HELO a\x00b.example\r\n" + MAIL + b"RCPT\x00TO:<x@y>\r\n\x00RCPT TO:<x@y>\r\nNOOP\x00RCPT\r\n" + b"\x00\x00\r\n",
    "bare-lf-commands": b"HELO good.example\n" + b"MAIL FROM:<a@x>\nRCPT TO:<b@x>\nDATA\n",
    "long-line": HELO + b"NOOP " + b"x" * 20000 + b"\r\n" + MAIL + b"RCPT TO:<" + b"y" * 17000 + b">\r\n",
    "bdat": HELO + MAIL + RCPT + b"BDAT 20 LAST\r\nRCPT TO:<x@y>\r\n1234\r\n",
}
# The attacks of issue 9, behind each server model (setup 7: after HELO, exim framing).
ATTACKS = {
    "exim-long-line": HELO + MAIL + b"NOOP " + b"x" * 16380 + b"RCPT TO:<victim@example.org>\r\nDATA\r\nx\r\n.\r\n",
    "exim-bdat": HELO + MAIL + b"BDAT 3\r\nXYZRCPT TO:<victim@example.org>\r\nDATA\r\nx\r\n.\r\n",
    "local-flood": HELO + MAIL + (b"STARTTLS\r\nBDAT 1\r\n" + RCPT) * 600,
    "after-quit": HELO + b"QUIT\r\nSTARTTLS\r\nSTARTTLS\r\nBDAT 1\r\n" + RCPT,
    "loose-barriers": HELO + MAIL + b"STARTTLS\t\r\n STARTTLS\r\nDATA\t\r\nx\r\n.\r\nAUTH\tLOGIN\r\n" + RCPT,
    "long-auth": b"EHLO good.example\r\nAUTH LOGIN\r\n" + b"A" * 17000 + b"\r\nNOOP\r\n",
}
STREAMS.update(ATTACKS)
# Every end-of-data variant some server could take for the end of the message.
SMUGGLING = [b"\n.\n", b"\n.\r\n", b"\r\n.\n", b"\r.\r", b"\r\n.\r", b"\r\n.\rX", b"\r\n.\r\r\n",
             b"\n..\n", b"\r\n\x00.\r\n"]
for i, end in enumerate(SMUGGLING):
    STREAMS[f"smuggle-{i}"] = (b"EHLO good.example\r\n" + MAIL + RCPT + b"DATA\r\nbody" + end +
                               MAIL + RCPT + b"DATA\r\nsmuggled\r\n.\r\nQUIT\r\n")

SCHEDULES = {
    "whole": [(0, 65535), (1, 65535), (2, 65535), (3, 65535), (4, 1), (5, 1)],
    "bytewise": [(0, 1), (1, 1), (2, 1), (3, 1)] * 40 + [(4, 1)] + [(0, 3), (1, 2), (2, 5), (3, 7)] * 40,
    "late-dns": [(0, 65535), (1, 65535), (2, 65535), (3, 65535), (0, 65535), (4, 1)],
}

def encode(setup, stream, schedule):
    out = bytes([setup]) + struct.pack("<H", len(stream) % 65536) + stream
    for op, n in schedule:
        out += bytes([op]) + struct.pack("<H", max(0, n - 1))
    return out

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
os.makedirs(here, exist_ok=True)
for name, stream in STREAMS.items():
    for sched_name, sched in SCHEDULES.items():
        setups = (0, 1, 2, 4, 7) if name in ATTACKS or name in ("long-line", "bdat") else (0, 1, 2, 4)
        for setup in setups:  # none, after HELO, always; after HELO + lenient; + exim
            with open(os.path.join(here, f"seed-{name}-{sched_name}-{setup}"), "wb") as f:
                f.write(encode(setup, stream, sched))
