// <privacy-widget>: the custom element for control panels and privacy pages.
//
//   <script type="module" src="/widget/element.js"></script>
//   <privacy-widget site="pcextreme" view="panel" policy="/policies/pcextreme.json"
//                   api="/api/v1" lang="nl" token-url="/privacy/token"></privacy-widget>
//
// `token-url`: the host panel's own backend route that answers a sign-in token for the
// customer logged in there (`{"token": "…"}` or the token as text; fetched with the page's
// cookies, same-origin); the panel exchanges it for a session, and fetches a new one when the
// session has expired.
//
// Loads the WebAssembly module once (from the same folder as this file), mounts the widget
// into the element's shadow root on connect, destroys it on disconnect, and re-mounts when
// one of the observed attributes changes.

const ATTRS = ["site", "policy", "api", "view", "lang", "token-url"];
let ready = null;

function load() {
  if (!ready) {
    ready = import(new URL("./privacy_widget.js", import.meta.url).href).then(async (mod) => {
      await mod.default({ module_or_path: new URL("./privacy_widget_bg.wasm", import.meta.url) });
      return mod;
    });
  }
  return ready;
}

/** A function that fetches a sign-in token from the host's backend at `url`. */
function tokenFrom(url) {
  return async () => {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json, text/plain" } });
    if (!response.ok) throw new Error(`privacy-widget: token-url answered ${response.status}`);
    const text = (await response.text()).trim();
    if (text.startsWith("{")) {
      const token = JSON.parse(text).token;
      if (typeof token !== "string") throw new Error("privacy-widget: token-url answered JSON without a token");
      return token;
    }
    return text;
  };
}

class PrivacyWidget extends HTMLElement {
  static get observedAttributes() {
    return ATTRS;
  }

  constructor() {
    super();
    this._embed = null;
    this._generation = 0;
  }

  connectedCallback() {
    this._mount();
  }

  disconnectedCallback() {
    this._generation++;
    this._destroy();
  }

  attributeChangedCallback(_name, oldValue, newValue) {
    if (oldValue !== newValue && this.isConnected && this._embed) this._mount();
  }

  _destroy() {
    if (this._embed) {
      this._embed.destroy();
      this._embed.free();
      this._embed = null;
    }
  }

  async _mount() {
    const generation = ++this._generation;
    let mod;
    try {
      mod = await load();
    } catch (err) {
      console.error("privacy-widget: the WebAssembly module could not be loaded", err);
      return;
    }
    if (generation !== this._generation || !this.isConnected) return;
    this._destroy();
    const options = {};
    for (const name of ATTRS) {
      const value = this.getAttribute(name);
      if (value === null) continue;
      if (name === "token-url") options.token = tokenFrom(value);
      else options[name] = value;
    }
    try {
      this._embed = mod.mount(this, options);
    } catch (err) {
      console.error(err);
    }
  }
}

if (!customElements.get("privacy-widget")) {
  customElements.define("privacy-widget", PrivacyWidget);
}
