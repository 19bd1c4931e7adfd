/*
 * Stand-in for Google's gtag.js (no real tag can be fetched here). It behaves like the real tag
 * under Consent Mode v2: it reads the consent state from window.dataLayer (the loader's default
 * and every update) and sets _ga / _ga_DEMO only with analytics_storage granted and _gcl_au only
 * with ad_storage granted. It records that it ran in window.__ran ("ga", or data-tag's value).
 */
(function () {
  var me = document.currentScript;
  var tag = (me && me.getAttribute('data-tag')) || 'ga';
  (window.__ran = window.__ran || []).push(tag);
  var state = {};
  function apply(entry) {
    if (entry && entry[0] === 'consent' && entry[2] && typeof entry[2] === 'object') {
      for (var k in entry[2]) state[k] = entry[2][k];
    }
  }
  var dl = (window.dataLayer = window.dataLayer || []);
  for (var i = 0; i < dl.length; i++) apply(dl[i]);
  function setCookies() {
    var year2 = '; Path=/; Max-Age=63072000; SameSite=Lax';
    if (state.analytics_storage === 'granted') {
      if (document.cookie.indexOf('_ga=') < 0) document.cookie = '_ga=GA1.1.' + Date.now() + year2;
      document.cookie = '_ga_DEMO=GS1.1.' + Date.now() + year2;
    }
    if (state.ad_storage === 'granted' && document.cookie.indexOf('_gcl_au=') < 0) {
      document.cookie = '_gcl_au=1.1.' + Date.now() + '; Path=/; Max-Age=7776000; SameSite=Lax';
    }
  }
  setCookies();
  // Like gtag.js: later consent updates pushed to dataLayer take effect.
  var push = dl.push;
  dl.push = function () {
    var r = push.apply(dl, arguments);
    for (var j = 0; j < arguments.length; j++) apply(arguments[j]);
    setCookies();
    return r;
  };
})();
