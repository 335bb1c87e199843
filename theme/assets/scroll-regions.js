/* Tables wider than the screen scroll inside their own box (.md-typeset__scrollwrap). A box that
   scrolls is made reachable with the keyboard (tabindex="0", WCAG 2.1.1) and named after its
   table's caption or the heading above it, so a screen reader says what the focused region holds.
   A box that does not scroll (wide screen) gets no extra tab stop. No library, no network. */
(function () {
  "use strict";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) { return caption.textContent.trim(); }
    var details = box.closest("details");
    var summary = details && details.querySelector("summary");
    if (summary && summary.textContent.trim()) { return summary.textContent.trim(); }
    var node = box;
    while (node && node.parentElement) {
      var previous = node.previousElementSibling;
      while (previous) {
        if (/^H[1-6]$/.test(previous.tagName)) { return previous.textContent.trim(); }
        previous = previous.previousElementSibling;
      }
      node = node.parentElement;
      if (node.tagName === "ARTICLE") { break; }
    }
    return "Tableau";
  }

  /* Two tables under one heading (a pillar's measured indicators and its context figures) would both be named
     after it: the second and later ones add their first column's header to tell them apart. */
  function distinct(name, box, used) {
    var head = box.querySelector("thead th");
    var more = head && head.textContent.trim();
    if (used[name] && more) { name += " \u2014 " + more; }
    used[name] = true;
    return name;
  }

  function update() {
    var boxes = document.querySelectorAll(".md-typeset__scrollwrap");
    var used = {};
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.parentElement && box.parentElement.closest(".md-typeset__scrollwrap")) { continue; }
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      /* a visible cue under a table that scrolls: the columns on the right are not lost */
      var cue = box.previousElementSibling;
      if (!(cue && cue.classList.contains("atlas-scroll-cue"))) {
        cue = null;
        if (scrolls) {
          cue = document.createElement("p");
          cue.className = "atlas-scroll-cue";
          var en = document.documentElement.lang === "en";  // the English edition (en/)
          cue.textContent = box.classList.contains("atlas-figure__frame")
            ? (en ? "Picture wider than the screen (to keep its text legible): scroll it sideways"
              : "Image plus large que l\u2019écran (pour garder son texte lisible)\u00a0: faites-la défiler horizontalement")
            : (en ? "Table wider than the screen: scroll it sideways"
              : "Tableau plus large que l\u2019écran\u00a0: faites-le défiler horizontalement");
          box.parentNode.insertBefore(cue, box);
        }
      }
      if (cue) { cue.hidden = !scrolls; }
      if (scrolls) { box.setAttribute("data-scrolls", ""); } else { box.removeAttribute("data-scrolls"); }
      if (scrolls) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        var figure = box.closest("figure");
        var caption = figure && figure.querySelector("figcaption");
        var english = document.documentElement.lang === "en";
        box.setAttribute("aria-label", caption ? (english ? "Scrolling picture: " : "Image défilante\u00a0: ")
          + caption.textContent.trim() : (english ? "Scrolling table: " : "Tableau défilant\u00a0: ")
          + distinct(nameOf(box), box, used));
      } else if (!scrolls && box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    }
  }

  var pending = null;
  function later() {
    if (pending !== null) { window.clearTimeout(pending); }
    pending = window.setTimeout(function () { pending = null; update(); }, 100);
  }
  /* The theme wraps Markdown tables in their scroll box once its own script has run. */
  window.addEventListener("load", update);
  window.addEventListener("resize", later);
  document.addEventListener("toggle", later, true);  /* a <details> data table opened */
  if (document.readyState === "complete") { update(); }
}());
