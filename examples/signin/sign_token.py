#!/usr/bin/env python3
"""Signs a privacy-widget sign-in token (JWS compact, EdDSA / Ed25519) the way a hosting
company's control-panel backend does for the customer who is logged in.

Needs the `cryptography` package (pip install cryptography).

As a module, from your panel's backend (serve it at e.g. GET /privacy/token, behind your login):
    from sign_token import sign_token
    token = sign_token(private_key_pem, kid="2026-01", site="pcextreme", sub=str(customer.id),
                       email=customer.email, name=customer.name)

From the command line (prints the token):
    python3 sign_token.py --key panel-signing.pem --kid 2026-01 --site pcextreme --sub 4711 \\
        [--email jan@example.nl] [--name "Jan de Vries"] [--plan vps] [--locale nl]

The key pair: openssl genpkey -algorithm ed25519 -out panel-signing.pem
              openssl pkey -in panel-signing.pem -pubout     (public_key in [[sites.signin_keys]])
"""
import argparse
import base64
import json
import time
import uuid

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _segment(value: dict) -> str:
    return _b64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def sign_token(private_key_pem: bytes, *, kid: str, site: str, sub: str, email=None, name=None,
               plan=None, locale=None, lifetime: int = 120, now=None) -> str:
    """The token for one page view: valid `lifetime` seconds (at most 300), used once (jti)."""
    key = load_pem_private_key(private_key_pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the key is not an Ed25519 private key")
    iat = int(time.time()) if now is None else int(now)
    claims = {"iss": site, "aud": "privacy-widget", "sub": str(sub), "iat": iat,
              "exp": iat + lifetime, "jti": str(uuid.uuid4())}
    for claim, value in (("email", email), ("name", name), ("plan", plan), ("locale", locale)):
        if value:
            claims[claim] = str(value)
    signing_input = _segment({"alg": "EdDSA", "typ": "JWT", "kid": kid}) + "." + _segment(claims)
    signature = key.sign(signing_input.encode("ascii"))
    return signing_input + "." + _b64url(signature)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--key", required=True, help="PEM file of the Ed25519 private key")
    for option in ("kid", "site", "sub"):
        parser.add_argument("--" + option, required=True)
    for option in ("email", "name", "plan", "locale"):
        parser.add_argument("--" + option)
    args = parser.parse_args()
    with open(args.key, "rb") as f:
        pem = f.read()
    print(sign_token(pem, kid=args.kid, site=args.site, sub=args.sub, email=args.email,
                     name=args.name, plan=args.plan, locale=args.locale))
