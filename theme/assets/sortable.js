/* Sortable tables for the atlas (no library, no network). A table with the attribute data-sortable (no class, so the theme styles it like its own tables)
   gets a button in each column header; cells may carry data-sort (a number or a folded text).
   Without JavaScript the table stays as generated, sorted by name. */
(function () {
  "use strict";

  function keyOf(cell, numeric) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent.trim(); }
    if (!numeric) { return raw.toLocaleLowerCase("fr"); }
    if (raw === "") { return null; }
    var n = parseFloat(raw);
    return isNaN(n) ? null : n;
  }

  function sortBy(table, index, numeric, button) {
    var header = button.parentNode;
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var collator = new Intl.Collator("fr", { sensitivity: "base", numeric: true });
    rows.sort(function (a, b) {
      var ka = keyOf(a.cells[index], numeric);
      var kb = keyOf(b.cells[index], numeric);
      if (ka === null && kb === null) { return 0; }
      if (ka === null) { return 1; }   /* empty values last, whatever the order */
      if (kb === null) { return -1; }
      var c = numeric ? ka - kb : collator.compare(ka, kb);
      return ascending ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function setup(table) {
    if (table.getAttribute("data-sortable-ready") || !table.tHead || !table.tBodies.length) { return; }
    table.setAttribute("data-sortable-ready", "1");
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var numeric = th.getAttribute("data-type") === "number";
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.setAttribute("title", document.documentElement.lang === "en" ? "Sort by this column" : "Trier par cette colonne");
      button.addEventListener("click", function () { sortBy(table, index, numeric, button); });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-sortable]"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
