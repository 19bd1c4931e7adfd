/*
 * privacy-widget loader: the one <script> tag of a marketing page (served as privacy-widget.js).
 *
 *   <script src="/widget/privacy-widget.js" data-site="pcextreme" data-api="/api/v1"
 *           data-lang="nl" data-cookie-domain="example.nl"></script>
 *
 * The module reads the site's consent notice (the browser-consent part of its policy, compiled
 * by the backend) from data-notice, default `${data-api}/sites/${data-site}/notice?lang=…`
 * with the language of data-lang, else <html lang>, else the browser's.
 * data-module names the glue next to this file (default privacy_widget_consent.js, the
 * consent-only build; privacy_widget.js is the full one); data-lang, data-notice and
 * data-cookie-domain are optional.
 *
 * Synchronous and tiny, placed before every tag. In this order it
 *   1. defines window.dataLayer and, only if the page has none, a gtag() function;
 *   2. pushes the Google Consent Mode v2 default: everything that can track denied (C-B2);
 *   3. defines the host API as a queue stub: window.__privacyWidget always, and
 *      window.PrivacyWidget too unless the page already has an unrelated global of that name;
 *   4. preloads the wasm and the notice, imports the module (data-module, next to this file)
 *      and calls start().
 * Loading it twice is a no-op. It needs no inline script: it works under
 * `script-src 'self' 'wasm-unsafe-eval'; style-src 'self'`.
 */
(function (w, d) {
  var me = d.currentScript;
  if (!me || (w.__privacyWidget && w.__privacyWidget.__pw)) return;
  var ds = me.dataset;

  // 1 + 2: Consent Mode default before any tag can run.
  var dl = (w.dataLayer = w.dataLayer || []);
  if (typeof w.gtag !== 'function') {
    w.gtag = function () {
      dl.push(arguments);
    };
  }
  var G = 'granted';
  var D = 'denied';
  w.gtag('consent', 'default', {
    ad_storage:D,
    ad_user_data:D,
    ad_personalization:D,
    analytics_storage:D,
    functionality_storage:G,
    personalization_storage:D,
    security_storage:G,
    wait_for_update: 500,
  });

  // 3: the host API. Calls made before the module is ready are queued and replayed.
  var real = null;
  var queue = [];
  var listeners = [];
  var api = {
    __pw: 1,
    /** The current decision, or null before one is made (or before the module is ready). */
    consent: function () {
      return real ? real.consent() : null;
    },
    /** Calls fn(decision) on every change; returns a function that unsubscribes. */
    onChange: function (fn) {
      var entry = { fn: fn, off: null };
      listeners.push(entry);
      if (real) entry.off = real.onChange(fn);
      return function () {
        var i = listeners.indexOf(entry);
        if (i >= 0) listeners.splice(i, 1);
        if (entry.off) entry.off();
        entry.off = null;
      };
    },
    /** Opens the preferences dialog. */
    open: function () {
      real ? real.open() : queue.push('open');
    },
    /** Forgets the stored decision and shows the banner again. */
    reset: function () {
      real ? real.reset() : queue.push('reset');
    },
  };
  w.__privacyWidget = api;
  if (!('PrivacyWidget' in w)) w.PrivacyWidget = api;

  // 4: the module, resolved next to this script. The wasm and the notice are preloaded now, so
  // that they download alongside the glue instead of one after the other.
  var glue = new URL(ds.module || 'privacy_widget_consent.js', me.src).href;
  function preload(href) {
    var l = d.createElement('link');
    l.rel = 'preload';
    l.as = 'fetch';
    l.crossOrigin = 'anonymous';
    l.href = href;
    (d.head || d.documentElement).appendChild(l);
  }
  preload(glue.replace(/\.js$/, '_bg.wasm'));
  var apiBase = ds.api || '/api/v1';
  var lang = (ds.lang || d.documentElement.lang || navigator.language || '').split(/[-_]/)[0].toLowerCase();
  var notice = new URL(
    ds.notice || apiBase.replace(/\/$/, '') + '/sites/' + encodeURIComponent(ds.site || '') + '/notice?lang=' + encodeURIComponent(lang),
    d.baseURI
  ).href;
  preload(notice);
  import(glue)
    .then(function (m) {
      return m.default().then(function () {
        var handle = m.start({
          site: ds.site || '',
          notice: notice,
          api: apiBase,
          lang: lang,
          cookieDomain: ds.cookieDomain || '',
        });
        real = handle;
        for (var i = 0; i < listeners.length; i++) listeners[i].off = handle.onChange(listeners[i].fn);
        for (var j = 0; j < queue.length; j++) handle[queue[j]]();
        queue = [];
      });
    })
    .catch(function (e) {
      // Nothing is enabled when the module cannot load: the default stays denied.
      console.error('privacy-widget: the module could not be loaded', e);
    });
})(window, document);
