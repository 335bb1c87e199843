/* Filters of the hub and territory indexes, in the browser, from the site's own JSON file.
   The form is a GET form: a filtered list has its own address (?type=fab-lab&region=bretagne) and
   reloading or sharing it gives the same rows. Without JavaScript the form stays hidden and the
   plain paginated lists serve. Every value is written as text (no HTML from the data). */
(function () {
  "use strict";

  var PAGE = 100;
  var FIELDS = {
    hubs: { type: "t", region: "r", departement: "d", statut: "s", theme: "th", reseau: "rs", pilier: "p" },
    territories: { niveau: "l", region: "r", departement: "d" },
    map: { type: "t", statut: "s" }
  };
  // the page's language (the English edition under en/ says lang="en"): the script's words follow it
  var EN = document.documentElement.lang === "en";
  var LOCALE = EN ? "en-GB" : "fr-FR";
  var LEVELS = EN ? { region: "Region", departement: "Département", epci: "Intercommunality", commune: "Municipality", pays: "Pays" }
    : { region: "Région", departement: "Département", epci: "Intercommunalité", commune: "Commune", pays: "Pays" };

  // A name in a French page as the pages show it (generator/typography.py, french_quotes_text: « » for straight
  // double quotes when they all pair, ’ for a straight apostrophe); the data file keeps it as written, as the
  // English edition shows it
  var QUOTED = /(?<![\p{L}\p{N}_"])"(?=[^\s"])([^"]*?)(?<=[^\s"])"(?![\p{L}\p{N}_"])/gu;
  function shown(value) {
    if (EN || typeof value !== "string") { return value; }
    var pairs = (value.match(QUOTED) || []).length;
    if (2 * pairs === value.split("\"").length - 1) { value = value.replace(QUOTED, "\u00ab\u00a0$1\u00a0\u00bb"); }
    return value.replace(/'/g, "\u2019");
  }

  function has(rec, key, value) {
    var v = rec[key];
    return Array.isArray(v) ? v.indexOf(value) >= 0 : v === value;
  }

  function accepts(kind, rec, params, except) {
    var fields = FIELDS[kind];
    for (var p in fields) {
      if (p !== except && params[p] && !has(rec, fields[p], params[p])) { return false; }
    }
    if (kind === "territories" && params.pilier && except !== "pilier") {
      if (!rec.sc || rec.sc[params.pilier] === undefined) { return false; }
    }
    return true;
  }

  // A choice's value in the address is the same in both editions (a pillar by its French slug, ?pilier=sante,
  // as its page piliers/sante/; a status by its French words, ?statut=en-activite); an option's data-former is
  // the value links made before still carry (?pilier=health, ?statut=active): it selects the option, and the
  // address is rewritten with the current value.
  function readParams(form) {
    var query = new URLSearchParams(window.location.search);
    var params = {};
    var former = false;
    var selects = form.querySelectorAll("select");
    for (var i = 0; i < selects.length; i++) {
      var name = selects[i].name;
      var value = query.get(name) || "";
      var known = "";
      for (var j = 0; j < selects[i].options.length; j++) {
        var option = selects[i].options[j];
        if (option.value === value) { known = value; }
        else if (value && option.getAttribute("data-former") === value) { known = option.value; former = true; }
      }
      params[name] = known;
      selects[i].value = params[name];
    }
    params.page = Math.max(1, parseInt(query.get("page") || "1", 10) || 1);
    if (former) { window.history.replaceState(null, "", queryOf(params, params.page) + window.location.hash); }
    return params;
  }

  function queryOf(params, page) {
    var query = new URLSearchParams();
    for (var p in params) {
      if (p !== "page" && params[p]) { query.set(p, params[p]); }
    }
    if (page > 1) { query.set("page", String(page)); }
    var text = query.toString();
    return text ? "?" + text : window.location.pathname;
  }

  function updateCounts(kind, form, records, params) {
    var selects = form.querySelectorAll("select");
    for (var i = 0; i < selects.length; i++) {
      var name = selects[i].name;
      if (kind === "territories" && name === "pilier") { continue; }
      var key = FIELDS[kind][name];
      var tally = {};
      var total = 0;
      for (var r = 0; r < records.length; r++) {
        var rec = records[r];
        if (!accepts(kind, rec, params, name)) { continue; }
        total++;
        var values = Array.isArray(rec[key]) ? rec[key] : [rec[key]];
        for (var v = 0; v < values.length; v++) { tally[values[v]] = (tally[values[v]] || 0) + 1; }
      }
      for (var j = 0; j < selects[i].options.length; j++) {
        var option = selects[i].options[j];
        var label = option.value ? option.getAttribute("data-label") : (EN ? "All" : "Tous");
        var n = option.value ? (tally[option.value] || 0) : total;
        option.textContent = label + " (" + n.toLocaleString(LOCALE) + ")";
      }
    }
  }

  function cell(tag, text, href, scope) {
    var node = document.createElement(tag);
    if (scope) { node.setAttribute("scope", scope); }
    if (href) {
      var link = document.createElement("a");
      link.href = href;
      link.textContent = text;
      node.appendChild(link);
    } else {
      node.textContent = text;
    }
    return node;
  }

  function number(value) {
    return typeof value === "number" ? value.toLocaleString(LOCALE) : "—";
  }

  function score(value) {
    return (Math.round(value * 10) / 10).toLocaleString(LOCALE, { minimumFractionDigits: 1 }) + " / 5";
  }

  function table(kind, rows, root, params, labels) {
    var head = EN ? (kind === "hubs" ? ["Hub", "Territory", "Types", "Status", "Opened"]
      : ["Territory", "Level", "Parent territory", "Population", "Hubs"])
      : (kind === "hubs" ? ["Lieu", "Territoire", "Types", "Statut", "Ouverture"]
      : ["Territoire", "Niveau", "Territoire parent", "Population", "Lieux"]);
    if (kind === "territories" && params.pilier) { head.push((EN ? "Score: " : "Score\u00a0: ") + labels.pilier); }
    var wrap = document.createElement("div");
    wrap.className = "md-typeset__scrollwrap";
    var inner = document.createElement("div");
    inner.className = "md-typeset__table";
    var t = document.createElement("table");
    t.className = "atlas-list";
    t.setAttribute("data-filter-table", "");
    var thead = document.createElement("thead");
    var tr = document.createElement("tr");
    head.forEach(function (h) { tr.appendChild(cell("th", h, null, "col")); });
    thead.appendChild(tr);
    t.appendChild(thead);
    var body = document.createElement("tbody");
    rows.forEach(function (rec) {
      var row = document.createElement("tr");
      row.appendChild(cell("th", shown(rec.n), root + rec.u, "row"));
      if (kind === "hubs") {
        var place = cell("td", shown(rec.tn), root + rec.tu);
        if (rec.v) { place.insertBefore(document.createTextNode(shown(rec.v) + " · "), place.firstChild); }
        row.appendChild(place);
        row.appendChild(cell("td", rec.t.map(function (x) { return labels.type[x] || x; }).join(", ")));
        row.appendChild(cell("td", rec.sl));
        row.appendChild(cell("td", rec.f ? String(rec.f) : "—"));
      } else {
        row.appendChild(cell("td", rec.com ? (EN ? "Overseas collectivity" : "Collectivité d\u2019outre-mer") : LEVELS[rec.l] || rec.l));
        row.appendChild(cell("td", shown(rec.pn) || "—"));
        row.appendChild(cell("td", number(rec.pop)));
        row.appendChild(cell("td", String(rec.h)));
        if (params.pilier) { row.appendChild(cell("td", score(rec.sc[params.pilier]))); }
      }
      for (var c = 1; c < row.children.length; c++) {
        if (/^[\d\s\u202f\u00a0,/—]+$/.test(row.children[c].textContent)) { row.children[c].className = "atlas-num"; }
      }
      body.appendChild(row);
    });
    t.appendChild(body);
    inner.appendChild(t);
    wrap.appendChild(inner);
    return wrap;
  }

  function pager(params, page, pages) {
    var nav = document.createElement("nav");
    nav.className = "atlas-pager";
    nav.setAttribute("aria-label", EN ? "Pages of the filtered list" : "Pages de la liste filtrée");
    var p = document.createElement("p");
    p.textContent = EN ? "Page " + page + " of " + pages + ":" : "Page " + page + " sur " + pages + "\u00a0:";
    nav.appendChild(p);
    var list = document.createElement("ul");
    for (var i = 1; i <= pages; i++) {
      var item = document.createElement("li");
      if (i === page) {
        var span = document.createElement("span");
        span.setAttribute("aria-current", "page");
        span.textContent = String(i);
        item.appendChild(span);
      } else {
        var link = document.createElement("a");
        link.href = queryOf(params, i);
        link.textContent = String(i);
        item.appendChild(link);
      }
      list.appendChild(item);
    }
    nav.appendChild(list);
    return nav;
  }

  function setStatic(results, visible) {
    var node = results.nextElementSibling;
    while (node) {
      node.hidden = !visible;
      node = node.nextElementSibling;
    }
  }

  function run(form, records) {
    var kind = form.getAttribute("data-atlas-filters");
    var root = form.getAttribute("data-root") || "";
    var results = form.parentElement.querySelector("[data-filter-results]");
    var status = form.parentElement.querySelector("[data-filter-count]");
    var labels = { type: {}, pilier: "" };
    var typeSelect = form.querySelector("select[name=type]");
    if (typeSelect) {
      for (var i = 0; i < typeSelect.options.length; i++) {
        labels.type[typeSelect.options[i].value] = typeSelect.options[i].getAttribute("data-label");
      }
    }

    function render(params) {
      var active = false;
      for (var p in params) { if (p !== "page" && params[p]) { active = true; } }
      var rows = records.filter(function (rec) { return accepts(kind, rec, params, null); });
      if (kind === "territories" && params.pilier) {
        var pillarSelect = form.querySelector("select[name=pilier]");
        labels.pilier = pillarSelect.options[pillarSelect.selectedIndex].getAttribute("data-label");
        rows.sort(function (a, b) { return b.sc[params.pilier] - a.sc[params.pilier] || a.n.localeCompare(b.n, "fr"); });
      }
      updateCounts(kind, form, records, params);
      var what = EN ? (kind === "hubs" ? ["hub matches", "hubs match"] : ["territory matches", "territories match"])
        : (kind === "hubs" ? ["lieu correspond", "lieux correspondent"] : ["territoire correspond", "territoires correspondent"]);
      var one = EN ? rows.length === 1 : rows.length < 2;  // English: 0 takes the plural, French the singular
      status.textContent = active
        ? rows.length.toLocaleString(LOCALE) + " " + (one ? what[0] : what[1]) + (EN ? " the filters." : " aux filtres.")
        : "";
      form.setAttribute("data-count", String(rows.length));
      results.textContent = "";
      results.hidden = !active;
      setStatic(results, !active);
      if (!active) { return; }
      var pages = Math.max(1, Math.ceil(rows.length / PAGE));
      var page = Math.min(params.page || 1, pages);
      results.appendChild(table(kind, rows.slice((page - 1) * PAGE, page * PAGE), root, params, labels));
      if (pages > 1) { results.appendChild(pager(params, page, pages)); }
      window.dispatchEvent(new Event("resize"));  /* scroll-regions.js: cue and tab stop of the new table */
    }

    form.hidden = false;
    render(readParams(form));
    form.addEventListener("change", function () {
      var params = {};
      var selects = form.querySelectorAll("select");
      for (var i = 0; i < selects.length; i++) { params[selects[i].name] = selects[i].value; }
      params.page = 1;
      window.history.replaceState(null, "", queryOf(params, 1));
      render(params);
    });
  }

  function start() {
    var forms = document.querySelectorAll("form[data-atlas-filters]");
    for (var i = 0; i < forms.length; i++) {
      var form = forms[i];
      if (form.getAttribute("data-atlas-filters") === "map") { continue; }  /* atlas-map.js runs it */
      (function (form) {
        fetch(form.getAttribute("data-src"))
          .then(function (response) { return response.json(); })
          .then(function (records) { run(form, records); })
          .catch(function () { /* the plain list stays */ });
      }(form));
    }
  }

  window.atlasFilters = { accepts: accepts, readParams: readParams, queryOf: queryOf, updateCounts: updateCounts,
                         shown: shown };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
