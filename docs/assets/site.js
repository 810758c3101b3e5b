/* Keyboard access to wide tables (WCAG 2.1.1): a table wider than the screen scrolls inside its own
   container; such a container becomes focusable (arrow keys scroll it) and a named region for screen
   readers. Runs on every page load (Material's document$) and again when the window is resized. */
(function () {
  /* The name of a table's region: the nearest heading before it (looking out through enclosing blocks). */
  function label(box) {
    for (let node = box.closest(".md-typeset__scrollwrap") || box; node && node.matches(".md-content__inner *"); node = node.parentElement) {
      for (let el = node; el; el = el.previousElementSibling) {
        if (/^H[1-6]$/.test(el.tagName)) return el.textContent.replace(/[¶#]\s*$/, "").trim() + "（表格）";
      }
    }
    return "表格";
  }
  function update() {
    document.querySelectorAll(".md-typeset__table, .ds-chart").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) {
          let name = label(box), n = 1;
          while (document.querySelector('[role=region][aria-label="' + name.replace(/"/g, '\\"') + '"]')) name = label(box) + " " + ++n;
          box.setAttribute("aria-label", name);
        }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    });
  }
  if (typeof document$ !== "undefined") document$.subscribe(update);
  else document.addEventListener("DOMContentLoaded", update);
  let timer;
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(update, 150); });
})();

/* Filters and sorting of the long tables (agency index, deadlines, targets, a theme's tasks).
   The templates (templates/partials/_filters.md.j2) write a form, hidden until this script shows it,
   and tables marked data-filter whose rows carry data-* attributes: space-separated values such as
   data-unit="big-data-bureau jinan". A select keeps the rows whose attribute holds its value; the
   text box keeps rows whose text (or data-q: other names) contains what was typed. Sorting is
   tablesort's (docs/assets/vendor/): click or Enter on a column header, or the "排序" select, which
   also works on a phone, where the headers give way to cards. Without JavaScript, and in print,
   every row shows. */
(function () {
  function sortable(t) {
    t.dataset.sortable = "1";
    t.querySelectorAll("thead th").forEach(function (th) {
      th.setAttribute("title", "按此列排序");
      th.addEventListener("keydown", function (e) {  // tablesort answers Enter; Space as for a button
        if (e.key === " ") { e.preventDefault(); th.click(); }
      });
    });
    return new Tablesort(t);
  }
  function setup(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "1";
    const scope = form.closest("article") || document;
    const tables = Array.from(scope.querySelectorAll("table[data-filter]"));
    if (!tables.length || typeof Tablesort === "undefined") return;
    const sorters = tables.map(sortable);
    const rows = tables.flatMap(function (t) { return Array.from(t.tBodies[0].rows); });
    const original = new Map(tables.map(function (t) { return [t, Array.from(t.tBodies[0].rows)]; }));
    const status = form.querySelector(".ds-count");
    const noun = form.dataset.noun || "项";
    const sort = form.querySelector("select[data-sort]");
    Array.from(tables[0].tHead.rows[0].cells).forEach(function (th, i) {
      const name = th.textContent.trim();
      [["asc", "（升序）"], ["desc", "（降序）"]].forEach(function (d) {
        const o = document.createElement("option");
        o.value = i + ":" + d[0];
        o.textContent = name + d[1];
        sort.appendChild(o);
      });
    });
    function apply() {
      const chosen = Array.from(form.elements).filter(function (e) {
        return e.name && e.name !== "sort" && e.value.trim();
      });
      let shown = 0;
      rows.forEach(function (tr) {
        const ok = chosen.every(function (e) {
          if (e.name === "q") {
            const q = e.value.trim().toLowerCase();
            return (tr.textContent + " " + (tr.dataset.q || "")).toLowerCase().indexOf(q) >= 0;
          }
          return (" " + (tr.getAttribute("data-" + e.name) || "") + " ").indexOf(" " + e.value + " ") >= 0;
        });
        tr.classList.toggle("ds-filtered-out", !ok);
        if (ok) shown++;
      });
      scope.querySelectorAll("[data-filter-group]").forEach(function (g) {
        const any = g.querySelector("table[data-filter] tbody tr:not(.ds-filtered-out)");
        g.classList.toggle("ds-filtered-out", !any);
      });
      status.textContent = chosen.length ? "显示 " + shown + " / " + rows.length + " " + noun
        + (shown ? "" : "：没有符合条件的，请放宽筛选") : "共 " + rows.length + " " + noun;
    }
    function sortBy(value) {
      tables.forEach(function (t, k) {
        const ts = sorters[k];
        t.querySelectorAll("thead th[aria-sort]").forEach(function (th) { th.removeAttribute("aria-sort"); });
        if (!value) {  // back to the documents' order
          original.get(t).forEach(function (tr) { t.tBodies[0].appendChild(tr); });
          ts.current = undefined;
          return;
        }
        const parts = value.split(":");
        const th = t.tHead.rows[0].cells[+parts[0]];
        if (parts[1] === "desc") th.setAttribute("aria-sort", "ascending");  // tablesort flips it
        ts.current = th;
        ts.sortTable(th);
      });
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", function (e) { if (e.target === sort) sortBy(sort.value); else apply(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(function () { sortBy(""); apply(); }, 0); });
    tables.forEach(function (t) {  // a header click keeps the select in step
      t.addEventListener("afterSort", function () {
        const th = t.querySelector("thead th[aria-sort]");
        if (th) sort.value = th.cellIndex + ":" + (th.getAttribute("aria-sort") === "descending" ? "desc" : "asc");
      });
    });
    const box = form.querySelector("details.ds-filter-box");  // open on a wide screen, folded on a phone
    if (box && window.matchMedia("(min-width: 45em)").matches) box.open = true;
    form.hidden = false;
    apply();
  }
  function init() {
    document.querySelectorAll("form[data-ds-filters]").forEach(setup);
    if (typeof Tablesort === "undefined") return;
    document.querySelectorAll("table[data-filter]:not([data-sortable])").forEach(sortable);  // short tables: no filters
  }
  if (typeof document$ !== "undefined") document$.subscribe(init);
  else document.addEventListener("DOMContentLoaded", init);
})();
