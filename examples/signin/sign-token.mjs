#!/usr/bin/env node
// Signs a privacy-widget sign-in token (JWS compact, EdDSA / Ed25519) the way a hosting
// company's control-panel backend does for the customer who is logged in. Node 18+, no packages.
//
// As a module, from your panel's backend (serve it at e.g. GET /privacy/token, behind your login):
//   import { signToken } from "./sign-token.mjs";
//   const token = signToken({ privateKeyPem, kid: "2026-01", site: "pcextreme", sub: String(customer.id),
//                             email: customer.email, name: customer.name });
//   res.json({ token });
//
// From the command line (prints the token):
//   node sign-token.mjs --key panel-signing.pem --kid 2026-01 --site pcextreme --sub 4711 \
//        [--email jan@example.nl] [--name "Jan de Vries"] [--plan vps] [--locale nl]
//
// The key pair: openssl genpkey -algorithm ed25519 -out panel-signing.pem
//               openssl pkey -in panel-signing.pem -pubout     (public_key in [[sites.signin_keys]])
import { createPrivateKey, randomUUID, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { argv } from "node:process";
import { fileURLToPath } from "node:url";

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The token for one page view: valid `lifetime` seconds (at most 300), used once (jti). */
export function signToken({ privateKeyPem, kid, site, sub, email, name, plan, locale, lifetime = 120, now }) {
  const iat = now ?? Math.floor(Date.now() / 1000);
  const claims = { iss: site, aud: "privacy-widget", sub: String(sub), iat, exp: iat + lifetime, jti: randomUUID() };
  for (const [key, value] of Object.entries({ email, name, plan, locale })) {
    if (value !== undefined && value !== null && value !== "") claims[key] = String(value);
  }
  const input = `${b64url({ alg: "EdDSA", typ: "JWT", kid })}.${b64url(claims)}`;
  // Ed25519 takes no separate hash: the algorithm argument is null.
  const signature = sign(null, Buffer.from(input), createPrivateKey(privateKeyPem));
  return `${input}.${signature.toString("base64url")}`;
}

if (argv[1] && fileURLToPath(import.meta.url) === argv[1]) {
  const opts = {};
  for (let i = 2; i < argv.length; i += 2) opts[argv[i].replace(/^--/, "")] = argv[i + 1];
  for (const required of ["key", "kid", "site", "sub"]) {
    if (!opts[required]) {
      console.error(`missing --${required}`);
      process.exit(2);
    }
  }
  const { key, ...rest } = opts;
  console.log(signToken({ ...rest, privateKeyPem: readFileSync(key, "utf8") }));
}
