/* biaogan: when opened from disk (file://), make directory links open index.html; on every
   page, "/" (outside a text field) focuses the search box. */
(function (d) {
  d.addEventListener("keydown", function (e) {
    var t = e.target, box = d.getElementById("search-page-q") || d.getElementById("search-q");
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.isComposing || !box) return;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    box.focus();
    box.select();
  });
})(document);
(function (d) {
  if (location.protocol !== "file:") return;
  function fix(u) {
    // same-site relative links only: skip "scheme:", "//host", "/abs" and "#frag"
    if (!u || /^([a-z][a-z0-9+.-]*:|[\/#])/i.test(u)) return u;
    var m = /^([^?#]*)(.*)$/.exec(u);
    return /\/$/.test(m[1]) ? m[1] + "index.html" + m[2] : u;
  }
  var i, e, l = d.querySelectorAll("a[href],form[action]");
  for (i = 0; i < l.length; i++) {
    e = l[i];
    if (e.tagName == "FORM") e.setAttribute("action", fix(e.getAttribute("action")));
    else e.setAttribute("href", fix(e.getAttribute("href")));
  }
})(document);
