// The demo's stand-in for a hosting company's control panel, which knows who is logged in: pick a
// demo customer and the panel widget signs in through the sign-in handoff, as it would in
// production. The "backend" is the demo server's GET /demo/host/token (demo mode only), which
// signs a short-lived Ed25519 token; the widget exchanges it at POST /api/v1/sessions.
// Without a pick the widget keeps its own demo login. `?customer=<id>` picks one on load.

const widget = document.querySelector("privacy-widget[view=panel]");
const site = widget && widget.getAttribute("site");

function tokenUrl(customer) {
  return `/demo/host/token?site=${encodeURIComponent(site)}&customer=${encodeURIComponent(customer)}`;
}

function signInAs(customer) {
  if (customer) widget.setAttribute("token-url", tokenUrl(customer));
  else widget.removeAttribute("token-url");
}

async function start() {
  const response = await fetch(`/api/v1/demo/customers?site=${encodeURIComponent(site)}`);
  if (!response.ok) return; // demo mode is off: nothing to show
  const { customers } = await response.json();
  const box = document.createElement("form");
  box.className = "demo-host";
  const label = document.createElement("label");
  label.htmlFor = "demo-host-customer";
  label.textContent = "Demo: ingelogd in het klantenpaneel als ";
  const select = document.createElement("select");
  select.id = "demo-host-customer";
  const none = new Option("(niemand: de demo-login van de widget)", "");
  select.append(none, ...customers.map((c) => new Option(c.name, c.id)));
  const note = document.createElement("p");
  note.className = "demo-host-note";
  note.textContent =
    "Het klantenpaneel ondertekent per paginaweergave een token (Ed25519, 2 minuten geldig) en de widget wisselt het in bij de privacy-server.";
  box.append(label, select, note);
  widget.before(box);
  const wanted = new URLSearchParams(location.search).get("customer");
  if (wanted && customers.some((c) => c.id === wanted)) {
    select.value = wanted;
    signInAs(wanted);
  }
  select.addEventListener("change", () => signInAs(select.value));
}

if (widget && site) start().catch((err) => console.error("demo host panel:", err));
