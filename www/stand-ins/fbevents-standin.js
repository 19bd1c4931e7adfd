/*
 * Stand-in for Meta's fbevents.js: defines fbq (recording every call in window.__fbq), records
 * "fb" in window.__ran and sets _fbp unless consent was revoked with fbq('consent','revoke').
 */
(function () {
  (window.__ran = window.__ran || []).push('fb');
  var calls = (window.__fbq = window.__fbq || []);
  var revoked = false;
  function setCookie() {
    if (!revoked && document.cookie.indexOf('_fbp=') < 0) {
      document.cookie = '_fbp=fb.1.' + Date.now() + '.1; Path=/; Max-Age=7776000; SameSite=Lax';
    }
  }
  if (typeof window.fbq !== 'function') {
    window.fbq = function () {
      var args = Array.prototype.slice.call(arguments);
      calls.push(args);
      if (args[0] === 'consent') {
        revoked = args[1] === 'revoke';
        setCookie();
      }
    };
  }
  setCookie();
})();
