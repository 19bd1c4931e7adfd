// A webhook receiver for privacy-widget-server's events (README "Connecting your control
// panel"). Run: PW_WEBHOOK_SECRET=whsec_... PORT=9100 node examples/webhook-receiver.mjs
// and configure  [[sites.webhooks]] url = "http://127.0.0.1:9100/privacy/events".
// It verifies every signature (401 otherwise), answers 204 at once, and handles each
// webhook-id once: retries of a delivery it already has are acknowledged and skipped.
import { createServer } from "node:http";
import { verify, readBody } from "./standard-webhooks.mjs";

const secret = process.env.PW_WEBHOOK_SECRET ?? "";
const port = Number(process.env.PORT ?? 9100);
const seen = new Set(); // a real receiver keeps these in its database

createServer(async (request, response) => {
  if (request.method !== "POST" || request.url !== "/privacy/events") {
    response.writeHead(404).end();
    return;
  }
  try {
    const body = await readBody(request);
    verify(secret, request.headers, body);
    const id = request.headers["webhook-id"];
    if (!seen.has(id)) {
      seen.add(id);
      const event = JSON.parse(body);
      // Here: open a ticket, stop the newsletter, start an erasure job in billing, ...
      // The event holds ids and states only; read details through the admin API.
      console.log(JSON.stringify({ id, type: event.type, site: event.data.site, subject: event.data.subject, request: event.data.request ?? null }));
    }
    response.writeHead(204).end();
  } catch (error) {
    console.error(`refused: ${error.message}`);
    response.writeHead(401).end();
  }
}).listen(port, "127.0.0.1", () => console.error(`webhook receiver on http://127.0.0.1:${port}/privacy/events`));
