/* The interactive map of the hubs: Leaflet and Leaflet.markercluster served by this site
   (assets/atlas/vendor/), département outlines and hubs read from this site's own files; no tile
   server, nothing from the network. Hubs are grouped at national zoom; the type and status filters
   share the addresses of the hub list (?type=fab-lab&statut=en-activite). Every marker and group is a
   button reachable with the Tab key; Enter opens a group or the hub's card, whose link is focused.
   Without JavaScript the map stays hidden and the fixed map with its table below serves. */
(function () {
  "use strict";

  /* « Passer la carte »: a link before the map, shown when focused, that takes the focus past the map's groups and
     points to what follows it (the fixed map's heading), for keyboard users who do not want to walk the map. */
  function skip(el, EN) {
    var after = el.nextElementSibling;
    while (after && after.tagName === "NOSCRIPT") { after = after.nextElementSibling; }
    if (!after) { return; }
    if (!after.id) { after.id = "atlas-after-map"; }
    if (!after.hasAttribute("tabindex")) { after.setAttribute("tabindex", "-1"); }
    after.classList.add("atlas-after-map");
    var link = document.createElement("a");
    link.className = "atlas-skip-map";
    link.href = "#" + after.id;
    link.textContent = EN ? "Skip the map" : "Passer la carte";
    link.addEventListener("click", function (event) {
      event.preventDefault();
      after.focus();
      after.scrollIntoView({ block: "start" });
    });
    el.parentNode.insertBefore(link, el);
  }

  function start() {
  var el = document.querySelector("[data-atlas-map]");
  var form = document.querySelector("form[data-atlas-filters=map]");
  if (!el || !form || !window.L || !window.L.markerClusterGroup || !window.atlasFilters) { return; }
  var F = window.atlasFilters;
  var root = el.getAttribute("data-root") || "";
  var status = form.parentElement.querySelector("[data-filter-count]");
  // by the status's value in the data and the address (generator/status_text.py, STATUS_SLUGS)
  var STATUS_SHAPES = { "en-activite": "●", "en-projet": "■", ferme: "✕", "a-verifier": "▲" };

  el.hidden = false;
  form.hidden = false;
  el.setAttribute("role", "region");
  var EN = document.documentElement.lang === "en";  // the English edition (en/): English words
  skip(el, EN);
  el.setAttribute("aria-label", EN ? "Interactive map of the innovation hubs" : "Carte interactive des lieux d\u2019innovation");
  // zoomSnap 0.1: the national view fills the frame with metropolitan France (at 0.5 the zoom that
  // fits was rounded down to nearly half the size, France lost in an empty sea; at 0.25 a phone's
  // frame, shaped as France, still kept up to a sixth of its width empty)
  var map = L.map(el, { zoomControl: false, minZoom: 3, maxZoom: 15, zoomSnap: 0.1, keyboard: true });
  L.control.zoom(EN ? { zoomInTitle: "Zoom in", zoomOutTitle: "Zoom out" }
                    : { zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arri\u00e8re" }).addTo(map);
  // Leaflet writes its controls after the map's panes: the Tab key went through every group and point (55 at the
  // first zoom, 257 after one) before the zoom buttons. Put first in the frame (they are positioned, so drawn at the
  // same place), the buttons come first.
  var controls = el.querySelector(".leaflet-control-container");
  if (controls) { el.insertBefore(controls, el.firstChild); }
  map.attributionControl.setPrefix("Leaflet");
  map.attributionControl.addAttribution("Contours © IGN – ADMIN EXPRESS COG CARTO");
  var METRO = [[41.33, -5.15], [51.09, 9.56]];  // metropolitan France, Corsica included
  map.invalidateSize();
  map.fitBounds(METRO, { padding: [4, 4] });
  el.atlasMap = map;  // what the browser tests read (the view's bounds)

  var groups = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 45,
    spiderfyOnMaxZoom: true,
    iconCreateFunction: function (cluster) {
      var n = cluster.getChildCount();
      var size = n < 10 ? 30 : n < 100 ? 38 : 46;
      return L.divIcon({
        html: "<span>" + n + "<span class=\"atlas-sr\">" + (EN ? " hubs, zoom in" : " lieux, zoom avant") + "</span></span>",
        className: "atlas-cluster", iconSize: [size, size]
      });
    }
  });
  map.addLayer(groups);

  function popup(rec) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = root + rec.u;
    link.textContent = F.shown(rec.n);
    link.className = "atlas-popup__title";
    box.appendChild(link);
    var lines = [rec.sl, rec.v ? F.shown(rec.v) + " · " + F.shown(rec.tn) : F.shown(rec.tn)];  // its town, as the cards and the list
    if (rec.pr === "commune") {
      lines.push(EN ? "Approximate position (centre of the municipality)" : "Position approximative (centre de la commune)");
    }
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.textContent = line;
      box.appendChild(p);
    });
    return box;
  }

  function marker(rec) {
    var shape = STATUS_SHAPES[rec.s] || "●";
    var m = L.marker(rec.ll, {
      icon: L.divIcon({
        html: "<span aria-hidden=\"true\">" + shape + "</span>",
        className: "atlas-pin atlas-pin--" + rec.s + (rec.pr === "commune" ? " atlas-pin--approx" : ""),
        iconSize: [20, 20]
      }),
      title: F.shown(rec.n) + (EN ? ": " : "\u00a0: ") + rec.sl,
      alt: rec.n,
      keyboard: true,
      riseOnHover: true
    });
    m.bindPopup(function () { return popup(rec); });
    return m;
  }

  map.on("popupopen", function (event) {
    var node = event.popup.getElement();
    var close = node && node.querySelector(".leaflet-popup-close-button");
    var word = EN ? "Close" : "Fermer";
    if (close) { close.setAttribute("aria-label", word); close.setAttribute("title", word); }
    var link = node && node.querySelector("a.atlas-popup__title");
    if (link) { link.focus(); }
  });

  function draw(records, params) {
    groups.clearLayers();
    var shown = records.filter(function (rec) { return rec.ll && F.accepts("map", rec, params, null); });
    groups.addLayers(shown.map(marker));
    F.updateCounts("map", form, records.filter(function (rec) { return rec.ll; }), params);
    el.setAttribute("data-count", String(shown.length));
    status.textContent = EN ? shown.length.toLocaleString("en-GB") + (shown.length === 1 ? " hub on the map." : " hubs on the map.")
      : shown.length.toLocaleString("fr-FR") + (shown.length < 2 ? " lieu sur la carte." : " lieux sur la carte.");
  }

  fetch(el.getAttribute("data-outlines"))
    .then(function (response) { return response.json(); })
    .then(function (outlines) {
      L.geoJSON(outlines, { interactive: false, style: { color: "#6b6b6b", weight: 0.8, fillColor: "#eeeeee", fillOpacity: 1 } })
        .addTo(map).bringToBack();
    })
    .catch(function () { /* the points still show */ });

  fetch(el.getAttribute("data-src"))
    .then(function (response) { return response.json(); })
    .then(function (records) {
      draw(records, F.readParams(form));
      el.setAttribute("data-ready", "true");
      form.addEventListener("change", function () {
        var params = {};
        var selects = form.querySelectorAll("select");
        for (var i = 0; i < selects.length; i++) { params[selects[i].name] = selects[i].value; }
        window.history.replaceState(null, "", F.queryOf(params, 1));
        draw(records, params);
      });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
    });
  }

  /* filters.js (loaded after the page's content) shares the filter code: start once it has run */
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
