// The benchmark probe: the first script of every bench page, identical for every tool.
// It observes long tasks and layout shifts, watches the DOM (and open shadow roots) until the
// tool's banner is rendered with a non-zero box and not hidden, and ends by marking t0, the
// moment the parser reaches the tool's own tags. bench/run.mjs reads window.__bench.
(function () {
  "use strict";
  var me = document.currentScript;
  var tool = (me && me.getAttribute("data-tool")) || "";
  var B = (window.__bench = {
    tool: tool,
    t0: null, // performance.now() when the tool's tags start
    inDom: null, // ms after t0: the banner element exists
    visible: null, // ms after t0: the banner has a box and is not hidden
    frame: null, // ms after t0: the first animation frame after it became visible
    longTasks: [], // [startTime, duration] in ms since navigation
    shifts: [], // layout-shift values without recent input
    errors: [],
  });

  // Where each tool puts its first layer.
  var finders = {
    "privacy-widget": function () {
      var host = document.querySelector("[data-privacy-widget]");
      var root = host && host.shadowRoot;
      if (root) watch(root);
      return root ? root.querySelector('[data-pw="banner"], .pw-banner') : null;
    },
    "vanilla-cookieconsent": function () {
      return document.querySelector("#cc-main .cm");
    },
    klaro: function () {
      return document.querySelector(".klaro .cookie-notice");
    },
  };
  var find = finders[tool] || function () { return null; };

  function shown(el) {
    var r = el.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return false;
    if (r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) return false;
    if (el.checkVisibility) return el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true });
    return getComputedStyle(el).visibility !== "hidden";
  }

  var observers = [];
  var watched = [];
  function watch(node) {
    if (watched.indexOf(node) >= 0 || B.visible !== null) return;
    watched.push(node);
    var mo = new MutationObserver(check);
    mo.observe(node, { childList: true, subtree: true, attributes: true, characterData: false });
    observers.push(mo);
  }

  function check() {
    if (B.visible !== null) return;
    var el = find();
    if (!el) return;
    var now = performance.now();
    if (B.inDom === null) B.inDom = now - B.t0;
    if (!shown(el)) return;
    B.visible = now - B.t0;
    for (var i = 0; i < observers.length; i++) observers[i].disconnect();
    requestAnimationFrame(function () {
      B.frame = performance.now() - B.t0;
    });
  }

  function poll() {
    check();
    if (B.visible === null) requestAnimationFrame(poll);
  }

  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        B.longTasks.push([e.startTime, e.duration]);
      });
    }).observe({ type: "longtask", buffered: true });
  } catch (e) {
    B.errors.push("longtask: " + e);
  }
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        if (!e.hadRecentInput) B.shifts.push(e.value);
      });
    }).observe({ type: "layout-shift", buffered: true });
  } catch (e) {
    B.errors.push("layout-shift: " + e);
  }
  addEventListener("error", function (e) {
    B.errors.push(String(e.message || e));
  });

  watch(document.documentElement);
  requestAnimationFrame(poll);
  B.t0 = performance.now();
})();
