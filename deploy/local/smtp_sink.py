#!/usr/bin/python3
"""A real SMTP server (Debian's python3-aiosmtpd) that keeps every mail as a file.

    smtp_sink.py --port 2525 --dir .local/mail

Each accepted message is written to <dir>/<n>-<time>.eml (first to a
temporary name, then renamed, so a reader never sees half a mail), with the
envelope in the first lines as X-Envelope-From / X-Envelope-To headers. For
tests, recipients whose local part starts with "reject" get a permanent 550,
with "defer" a temporary 451, at RCPT TO. With --tls-cert/--tls-key the server
requires STARTTLS, with --auth USER:PASSWORD it requires AUTH (after STARTTLS);
each kept mail then says so in X-Sink-TLS / X-Sink-Auth lines.
"""
import argparse
import asyncio
import itertools
import os
import signal
import ssl
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class KeepAsFiles:
    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 mailbox unavailable"
        if local.startswith("defer"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        name = "%06d-%d.eml" % (next(self.counter), time.time_ns())
        temporary = os.path.join(self.directory, "." + name + ".tmp")
        with open(temporary, "wb") as out:
            out.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            if session.ssl is not None:
                out.write(b"X-Sink-TLS: yes\r\n")
            if session.authenticated:
                out.write(b"X-Sink-Auth: " + str(session.auth_data.login, "utf-8").encode() + b"\r\n")
            for rcpt in envelope.rcpt_tos:
                out.write(b"X-Envelope-To: " + rcpt.encode() + b"\r\n")
            out.write(envelope.original_content)
        os.rename(temporary, os.path.join(self.directory, name))
        return "250 2.0.0 kept"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--auth", help="USER:PASSWORD")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    options = {"data_size_limit": 10 * 1024 * 1024}
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        options.update(tls_context=context, require_starttls=True)
    if args.auth:
        user, password = args.auth.split(":", 1)

        def check(server, session, envelope, mechanism, auth_data):
            ok = (mechanism in ("PLAIN", "LOGIN") and auth_data.login == user.encode() and
                  auth_data.password == password.encode())
            return AuthResult(success=ok, auth_data=auth_data)

        options.update(auth_required=True, authenticator=check,
                       auth_require_tls=bool(args.tls_cert))
    controller = Controller(KeepAsFiles(args.dir), hostname=args.host, port=args.port, **options)
    controller.start()
    print("smtp_sink listening on %s:%d, mails in %s" % (args.host, args.port, args.dir),
          flush=True)
    stop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        stop.add_signal_handler(sig, stop.stop)
    stop.run_forever()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
