/* Recherche de l'atlas avec Pagefind (generator/search.py) : un champ dans l'en-tête, des résultats
   lus fragment par fragment (quelques dizaines de kilo-octets par requête, quelle que soit la taille
   de l'atlas), racines françaises et accents compris. Clavier : Tab jusqu'au champ, flèches pour
   parcourir les résultats, Entrée pour ouvrir, Échap pour fermer. */
(function () {
  "use strict";
  var script = document.currentScript;
  // the site's root, also from the English edition (en/assets/...): one Pagefind index for both, which
  // Pagefind splits by <html lang> and reads in the page's language
  var base = script ? script.src.replace(/(en\/)?assets\/atlas\/recherche\.js.*$/, "") : "/";
  var EN = document.documentElement.lang === "en";
  var toggle = document.getElementById("__search");
  var inner = document.querySelector(".md-header__inner");
  if (!inner || document.querySelector(".md-search")) { return; } // the engine's own search is there
  var pagefind = null;

  var box = document.createElement("div");
  box.className = "md-search";
  box.setAttribute("role", "search");
  box.innerHTML =
    '<label class="md-search__overlay" for="__search"></label>' +
    '<div class="md-search__inner">' +
    '<form class="md-search__form" name="search" action="javascript:void(0)">' +
    '<input type="search" class="md-search__input" name="query" aria-label="' + (EN ? "Search the atlas" : "Rechercher dans l\u2019atlas") + '"' +
    ' placeholder="' + (EN ? "Search" : "Rechercher") + '" autocapitalize="off" autocorrect="off" autocomplete="off" spellcheck="false"' +
    ' aria-controls="atlas-search-results">' +
    '</form>' +
    '<div class="md-search__output"><div class="md-search__scrollwrap">' +
    '<div class="md-search-result"><div class="md-search-result__meta" role="status" aria-live="polite"></div>' +
    '<ol class="md-search-result__list" id="atlas-search-results"></ol></div></div></div></div>';
  var source = inner.querySelector(".md-header__source");
  inner.insertBefore(box, source);
  // Below 960 px the theme hides the field until its toggle (#__search, before the header) is checked, and
  // shows it from a magnifier button; both come with the engine's search plugin, which Pagefind replaces:
  // without them a phone had no search at all
  if (!toggle) {
    toggle = document.createElement("input");
    toggle.type = "checkbox";
    toggle.className = "md-toggle";
    toggle.id = "__search";
    toggle.setAttribute("data-md-toggle", "search");
    toggle.setAttribute("autocomplete", "off");
    toggle.setAttribute("aria-hidden", "true");
    toggle.tabIndex = -1;
    var header = document.querySelector(".md-header");
    if (header) { header.parentNode.insertBefore(toggle, header); }
  }
  var opener = document.createElement("button");
  opener.type = "button";
  opener.className = "md-header__button md-icon atlas-search-open";
  opener.setAttribute("aria-label", EN ? "Search the atlas" : "Rechercher dans l\u2019atlas");
  opener.innerHTML = '<svg class="atlas-i-magnify" aria-hidden="true"></svg>';
  inner.insertBefore(opener, box);
  var closer = document.createElement("button");
  closer.type = "button";
  closer.className = "md-icon atlas-search-close";
  closer.setAttribute("aria-label", EN ? "Close the search" : "Fermer la recherche");
  closer.innerHTML = '<svg class="atlas-i-arrow-left" aria-hidden="true"></svg>';
  box.querySelector(".md-search__form").appendChild(closer);
  var input = box.querySelector(".md-search__input");
  var meta = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");
  var pending = 0;

  function open(on) { if (toggle) { toggle.checked = on; } }
  function isOpen() { return Boolean(toggle && toggle.checked); }
  // below 960 px the field is a full-screen panel opened from the magnifier (the theme's breakpoint)
  var narrow = window.matchMedia("(max-width: 59.984375em)");
  var resting = false;  // the focus is being put back on the field as the search closes: it must not open again
  // Closing leaves the focus where the reader can go on from: on the field in the header (wide screens) or on the
  // magnifier that opened the panel (phones), never on a result hidden with the panel.
  function close(refocus) {
    open(false);
    if (!refocus) { return; }
    if (narrow.matches) { opener.focus(); return; }
    resting = true;
    input.focus();
    resting = false;
  }
  function text(value) { var d = document.createElement("div"); d.textContent = value; return d.innerHTML; }
  // the index reads straight apostrophes (generator/search.py: Pagefind splits a word there only); the pages
  // show typographic ones (French typography, generator/typography.py; the English edition's own words)
  function typographic(value) { return String(value).replace(/'/g, "\u2019"); }
  // Pagefind's excerpt is the page's text with <mark> around the words found; a sheet's text may
  // look like markup ("<script>"): it is read in an inert template and only the marks are kept.
  function marked(excerpt) {
    var t = document.createElement("template");
    t.innerHTML = excerpt || "";
    var out = "";
    (function walk(node) {
      node.childNodes.forEach(function (child) {
        if (child.nodeType === 3) { out += text(typographic(child.nodeValue)); }
        else if (child.nodeName === "MARK") { out += "<mark>" + text(typographic(child.textContent)) + "</mark>"; }
        else { out += text(typographic(child.textContent)); }
      });
    })(t.content);
    return out;
  }

  function load() {
    if (!pagefind) {
      pagefind = import(base + "pagefind/pagefind.js").then(function (module) {
        return module.options({ baseUrl: base }).then(function () { return module; });
      });
    }
    return pagefind;
  }

  var PAGE = 20; // results read and listed at a time; « Plus de résultats » lists the next ones
  var results = [];
  var shown = 0;
  var more = document.createElement("button");
  more.type = "button";
  more.className = "md-button atlas-search-more";
  more.textContent = EN ? "More results" : "Plus de résultats";
  more.hidden = true;
  list.parentNode.appendChild(more);

  function count() {
    var n = results.length;
    var all = EN ? (n === 0 ? "No result" : n === 1 ? "1 result" : n + " results")
      : n === 0 ? "Aucun résultat" : n === 1 ? "1 résultat" : n + " résultats";
    // once some are left out, say how many are listed: « 542 résultats, 20 affichés »
    meta.textContent = shown < n ? all + (EN ? ", " + shown + " shown" : ", " + shown + " affichés") : all;
    more.hidden = shown >= n;
  }

  function item(page) {
    var title = (page.meta && page.meta.title) || page.url;
    return '<li class="md-search-result__item"><a href="' + text(page.url) + '" class="md-search-result__link">' +
      '<article class="md-search-result__article md-typeset"><div class="atlas-search-result__title">' +
      text(typographic(title)) + '</div>' +
      '<p>' + marked(page.excerpt) + '</p></article></a></li>';
  }

  // the next PAGE results, read and added under those listed; resolves to the first link added
  function next(ticket) {
    var from = shown;
    return Promise.all(results.slice(from, from + PAGE).map(function (r) { return r.data(); })).then(function (pages) {
      if (ticket !== pending) { return null; }
      list.insertAdjacentHTML("beforeend", pages.map(item).join(""));
      shown = from + pages.length;
      count();
      return list.children[from] ? list.children[from].querySelector("a") : null;
    });
  }

  function search(query) {
    var ticket = ++pending;
    if (!query.trim()) { list.innerHTML = ""; meta.textContent = ""; results = []; shown = 0; more.hidden = true; return; }
    load().then(function (module) { return module.debouncedSearch(query, {}, 150); }).then(function (found) {
      if (!found || ticket !== pending) { return null; }
      results = found.results;
      shown = 0;
      list.innerHTML = "";
      return next(ticket);
    }).catch(function () {
      more.hidden = true;
      meta.textContent = EN ? "Search is not available." : "La recherche n\u2019est pas disponible.";
    });
  }

  // keyboard users land on the first result added, the one after those they had seen
  more.addEventListener("click", function () {
    var ticket = pending;
    more.disabled = true;
    next(ticket).then(function (first) {
      more.disabled = false;
      if (first) { first.focus(); }
    }).catch(function () { more.disabled = false; });
  });

  opener.addEventListener("click", function () { open(true); input.focus(); });
  closer.addEventListener("click", function () { close(true); });
  input.addEventListener("focus", function () { if (!resting) { open(true); } load(); });
  // the field kept the focus after Échap: a click or a new word opens the results again
  input.addEventListener("click", function () { open(true); });
  input.addEventListener("input", function () { open(true); search(input.value); });
  // The search closes once the focus leaves it (Tab past its last element, Shift+Tab before the field): left
  // open, it kept the theme's dark overlay over the page (wide screens) or its white panel over the links that
  // the focus walked, unseen (phones). A click outside with nothing focusable moves no focus: the theme's
  // overlay closes it then.
  box.addEventListener("focusout", function (event) {
    var to = event.relatedTarget;
    if (to && !box.contains(to) && isOpen()) { open(false); }
  });
  // Échap closes the search wherever the focus is (a result, « Plus de résultats », the close button)
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && isOpen()) { event.preventDefault(); close(true); }
  });
  box.addEventListener("keydown", function (event) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!links.length) { return; }
      event.preventDefault();
      open(true);
      var next = event.key === "ArrowDown" ? Math.min(at + 1, links.length - 1) : at - 1;
      if (next < 0) { input.focus(); } else { links[next].focus(); }
    } else if (event.key === "Enter" && document.activeElement === input && links.length) {
      event.preventDefault(); window.location.href = links[0].href;
    }
  });
})();

/* The navigation drawer of narrow screens (below 76.25 em), from the keyboard. The theme opens it from a <label for=
   "__drawer"> (the ☰ of the header), which no Tab reached: its links were reachable only while the drawer was closed,
   off the screen (atlas.css now hides the closed drawer). The ☰ is a button in the Tab order (the theme's script
   clicks a focused label on Entrée; Espace here); opened from it, the drawer takes the focus; Échap closes it with
   the focus back on the ☰, and the focus leaving the drawer (Tab past its last link) closes it too. */
(function () {
  "use strict";
  var drawer = document.getElementById("__drawer");
  var button = document.querySelector('.md-header label[for="__drawer"]');
  var sidebar = document.querySelector(".md-sidebar--primary");
  if (!drawer || !button || !sidebar) { return; }
  var EN = document.documentElement.lang === "en";
  button.tabIndex = 0;
  button.setAttribute("role", "button");
  button.setAttribute("aria-label", EN ? "Navigation menu" : "Menu de navigation");
  function expanded() { button.setAttribute("aria-expanded", drawer.checked ? "true" : "false"); }
  expanded();
  function close(refocus) {
    if (!drawer.checked) { return; }
    drawer.checked = false;
    drawer.dispatchEvent(new Event("change", { bubbles: true }));
    if (refocus) { button.focus(); }
  }
  button.addEventListener("keydown", function (event) {
    if (event.key === " ") { event.preventDefault(); button.click(); }
  });
  drawer.addEventListener("change", function () {
    expanded();
    if (drawer.checked && document.activeElement === button) {
      var first = sidebar.querySelector("a[href], label[tabindex], input:not([type=checkbox])");
      if (first) { first.focus(); }
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && drawer.checked) { event.preventDefault(); close(true); }
  });
  sidebar.addEventListener("focusout", function (event) {
    var to = event.relatedTarget;
    if (to && !sidebar.contains(to) && to !== button) { close(false); }
  });
}());
