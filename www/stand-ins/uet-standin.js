/*
 * Stand-in for Microsoft's UET tag (bat.js): records "uet" in window.__ran, sets _uetsid and
 * _uetvid and the matching localStorage keys, and honours uetq.push('consent', ...) calls
 * recorded before it ran (ad_storage denied: no cookies).
 */
(function () {
  (window.__ran = window.__ran || []).push('uet');
  var q = (window.uetq = window.uetq || []);
  var granted = true;
  for (var i = 0; i < q.length; i++) {
    if (q[i] === 'consent' && q[i + 2] && q[i + 2].ad_storage) granted = q[i + 2].ad_storage === 'granted';
  }
  if (!granted) return;
  var day = '; Path=/; Max-Age=86400; SameSite=Lax';
  document.cookie = '_uetsid=' + Date.now() + day;
  document.cookie = '_uetvid=' + Date.now() + '; Path=/; Max-Age=33696000; SameSite=Lax';
  try {
    localStorage.setItem('_uetsid_exp', String(Date.now() + 86400000));
    localStorage.setItem('_uetvid_exp', String(Date.now() + 33696000000));
  } catch (e) {}
})();
