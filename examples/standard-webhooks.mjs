// Standard Webhooks v1 verification in plain Node (no packages): the signature is
// base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)), the key being the base64 part of the
// `whsec_` secret; compared in constant time; timestamps more than 5 minutes off are refused.
import { createHmac, timingSafeEqual } from "node:crypto";

/** Throws unless `headers` (lower-case names) sign `body` (a Buffer, exactly as received). */
export function verify(secret, headers, body, now = Date.now()) {
  const id = headers["webhook-id"];
  const timestamp = headers["webhook-timestamp"];
  const signatures = headers["webhook-signature"];
  if (!id || !timestamp || !signatures) throw new Error("missing webhook-* header");
  const seconds = Number(timestamp);
  if (!Number.isInteger(seconds) || Math.abs(now / 1000 - seconds) > 300) throw new Error("timestamp too far off");
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  if (key.length === 0) throw new Error("empty secret");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.`).update(body).digest();
  for (const entry of signatures.split(" ")) {
    const [version, signature] = entry.split(",", 2);
    if (version !== "v1" || !signature) continue;
    const given = Buffer.from(signature, "base64");
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
  }
  throw new Error("no matching signature");
}

/** The whole body of a request, as a Buffer (at most `limit` bytes). */
export function readBody(request, limit = 1 << 20) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    request.on("data", (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error("body too large"));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
