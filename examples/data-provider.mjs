// A data provider for privacy-widget-server (README "Connecting your control panel"): the
// server asks it, signed as Standard Webhooks, what the company holds about one customer.
// Run: PW_PROVIDER_SECRET=whsec_... PORT=9200 node examples/data-provider.mjs
// and configure  [sites.data_provider] url = "http://127.0.0.1:9200/privacy/data".
// It refuses unsigned or stale calls (401) and answers 404 for an unknown customer.
import { createServer } from "node:http";
import { verify, readBody } from "./standard-webhooks.mjs";

const secret = process.env.PW_PROVIDER_SECRET ?? "";
const port = Number(process.env.PORT ?? 9200);

// Stands in for the company's own systems (billing, hosting, mail): look the customer up there.
const customers = {
  "cust-42": {
    plan: null,
    events: {},
    values: [
      { category: "usage", field: "logins", value: "12" },
      { category: "usage", field: "last_login", value: "2025-11-30" },
    ],
  },
};

createServer(async (request, response) => {
  if (request.method !== "POST" || request.url !== "/privacy/data") {
    response.writeHead(404).end();
    return;
  }
  let call;
  try {
    const body = await readBody(request);
    verify(secret, request.headers, body);
    call = JSON.parse(body);
  } catch (error) {
    console.error(`refused: ${error.message}`);
    response.writeHead(401).end();
    return;
  }
  if (call.type !== "subject.data.requested") {
    response.writeHead(400).end();
    return;
  }
  const found = customers[call.data.subject];
  if (!found) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(found));
}).listen(port, "127.0.0.1", () => console.error(`data provider on http://127.0.0.1:${port}/privacy/data`));
