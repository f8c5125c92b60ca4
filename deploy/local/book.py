#!/usr/bin/env python3
"""Books an appointment through the local stack's gateway as a citizen would.

What a browser client does against the production edge (deploy/local/up.sh runs it
so): find a free slot, fetch a proof-of-work challenge, solve it (try number = 0, 1,
2, ... until hex SHA-256(salt + number) is the challenge; gateway/README.md, Proof of
work), hold the slot with the solution in X-Pow-Solution, confirm the hold. Also shows
that a hold without a solution is refused with 428 pow_required.

  deploy/local/book.py [--gateway http://127.0.0.1:8080] [--service id-card]
                       [--email demo-<random>@example.org]

The citizen token is minted with the stack's development key (build/local, .local/keys).
Standard library only.
"""
import argparse
import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def request(gateway, method, path, body=None, headers=None):
    """(status, parsed JSON body) of one call; error answers are returned, not raised."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(gateway + path, data=data, method=method)
    req.add_header("Accept-Language", "de")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def citizen_token(issuer, audience):
    mint = os.path.join(ROOT, "build/local/gateway/tools/stadt-mint-token")
    return subprocess.check_output(
        [mint, "--key", os.path.join(ROOT, ".local/keys/dev-private.pem"), "--alg", "ES256",
         "--kid", "dev-1", "--sub", "citizen-demo-" + secrets.token_hex(4), "--roles", "citizen",
         "--iss", issuer, "--aud", audience], text=True).strip()


def solve(challenge):
    """The X-Pow-Solution value for a challenge of GET /v1/pow/challenge."""
    if challenge["algorithm"] != "SHA-256":
        raise SystemExit("unknown algorithm " + challenge["algorithm"])
    salt, target = challenge["salt"], challenge["challenge"]
    for number in range(challenge["maxNumber"] + 1):
        if hashlib.sha256((salt + str(number)).encode()).hexdigest() == target:
            payload = {"algorithm": "SHA-256", "challenge": target, "number": number,
                       "salt": salt, "signature": challenge["signature"]}
            return base64.b64encode(json.dumps(payload).encode()).decode(), number
    raise SystemExit("no number up to maxNumber solves the challenge")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", default="http://127.0.0.1:%s" % os.environ.get("STADT_HTTP_PORT", "8080"))
    parser.add_argument("--issuer", default="http://127.0.0.1:%s" % os.environ.get("STADT_OIDC_PORT", "9400"))
    parser.add_argument("--audience", default="stadtportal")
    parser.add_argument("--service", default="id-card")
    # A new address per run: one booking per service and person within 30 days.
    parser.add_argument("--email", default="demo-%s@example.org" % secrets.token_hex(4))
    args = parser.parse_args()
    auth = {"Authorization": "Bearer " + citizen_token(args.issuer, args.audience)}

    status, found = request(args.gateway, "GET", "/v1/slots?service_ids=%s&limit=1" % args.service)
    if status != 200 or not found.get("slots"):
        raise SystemExit("no free slot (%d): %s" % (status, found))
    slot = found["slots"][0]
    hold = {"officeId": slot["officeId"], "serviceIds": [args.service], "start": slot["start"]}
    print("slot:", slot["officeId"], slot["start"])

    status, held = request(args.gateway, "POST", "/v1/holds", hold, auth)
    print("hold without a solution:", status, held.get("details", [{}])[0].get("reason", ""))
    if status == 428:
        status, challenge = request(args.gateway, "GET", "/v1/pow/challenge")
        if status != 200:
            raise SystemExit("no challenge (%d): %s" % (status, challenge))
        started = time.monotonic()
        solution, number = solve(challenge)
        print("solved: number %d of at most %d in %.2f s" %
              (number, challenge["maxNumber"], time.monotonic() - started))
        status, held = request(args.gateway, "POST", "/v1/holds", hold,
                               dict(auth, **{"X-Pow-Solution": solution}))
        print("hold with the solution:", status, held.get("holdId", held))
    else:
        print("the gateway asks for no proof of work (STADT_POW=off)")
    if status != 200:
        return 1
    status, booking = request(args.gateway, "POST", "/v1/holds/%s/confirm" % held["holdId"],
                              {"contact": {"name": "Erika Mustermann", "email": args.email}}, auth)
    print("confirmed:", status, booking.get("bookingCode", booking))
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
