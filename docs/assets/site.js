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
   The templates (templates/partials/_filters.md.j2, shandong/views/tables.py) write a form, hidden until
   this script shows it, and tables marked data-filter whose rows carry data-* attributes: space-separated
   values such as data-unit="big-data-bureau jinan". A select keeps the rows whose attribute holds its
   value; the text box keeps rows whose text (or data-q: other names) contains what was typed.
   - Counts: an element .ds-n[data-count-of=id] holds the number of rows under the element with that id
     (its [data-filter-group], if any); while a filter is set, "shown / " goes before it, and a jump-list
     entry or a group with nothing left is hidden.
   - The unit's role: while the unit filter is set, a cell marked data-role-cell names the unit and its
     role in the row (data-unit-role="unit:role …", labels from the form's data-role-names).
   - Sorting is tablesort's (docs/assets/vendor/), on the keys the templates write in data-sort: click
     or Enter on a sortable column header, or the "排序" select (value "column:direction", the column
     a header's data-order), which also works on a phone, where the headers give way to cards. Sorting
     by a column marked data-sort-groups also orders the [data-group-sort] blocks (years).
   Without JavaScript, and in print, every row shows. */
(function () {
  if (typeof Tablesort !== "undefined") {
    // the templates' normalised keys compare as strings (tablesort's own comparison, made explicit:
    // its number detection must not read "2018-2-0-…" as the number 2018)
    Tablesort.extend("key", function () { return false; }, function (a, b) {
      a = a.trim(); b = b.trim();
      return a === b ? 0 : a < b ? 1 : -1;
    });
  }
  function sortable(t) {
    t.dataset.sortable = "1";
    t.querySelectorAll("thead th:not([data-sort-method=none])").forEach(function (th) {
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
    const roleNames = JSON.parse(form.dataset.roleNames || "{}");
    const unitSelect = form.querySelector("select[name=unit]");
    // blocks that follow a sort by deadline: per parent, in the page's order, put back before `end`
    const blocks = new Map();
    scope.querySelectorAll("[data-group-sort]").forEach(function (el) {
      if (!blocks.has(el.parentNode)) blocks.set(el.parentNode, []);
      blocks.get(el.parentNode).push(el);
    });
    const ends = new Map(Array.from(blocks, function (b) { return [b[0], b[1][b[1].length - 1].nextSibling]; }));
    const counts = Array.from(scope.querySelectorAll(".ds-n[data-count-of]")).map(function (n) {
      const target = document.getElementById(n.dataset.countOf);
      const box = target && (target.closest("[data-filter-group]") || target);
      const mine = box ? rows.filter(function (tr) { return box.contains(tr); }) : [];
      const shown = document.createElement("span");
      shown.className = "ds-n-shown";
      n.before(shown);
      return {n: n, shown: shown, rows: mine, entry: n.closest("li")};
    });
    function roleNote(tr, unit) {
      const cell = tr.querySelector("td[data-role-cell]");
      if (!cell) return;
      let note = cell.querySelector(".ds-role-note");
      const roles = (tr.dataset.unitRole || "").split(" ").filter(function (p) {
        return p.slice(0, p.lastIndexOf(":")) === unit;
      }).map(function (p) { return roleNames[p.slice(p.lastIndexOf(":") + 1)] || p; });
      if (!roles.length) { if (note) note.remove(); return; }
      if (!note) {
        note = document.createElement("span");
        note.className = "ds-role-note";
        cell.appendChild(note);
      }
      note.textContent = unitSelect.selectedOptions[0].textContent.trim() + "：" + roles.join("、");
    }
    function apply() {
      const chosen = Array.from(form.elements).filter(function (e) {
        return e.name && e.name !== "sort" && e.value.trim();
      });
      const unit = unitSelect ? unitSelect.value : "";
      let shown = 0;
      rows.forEach(function (tr) {
        const ok = chosen.every(function (e) {
          if (e.name === "q") {  // the row's own text (not the role line this script adds)
            const q = e.value.trim().toLowerCase(), note = tr.querySelector(".ds-role-note");
            const text = note ? tr.textContent.replace(note.textContent, "") : tr.textContent;
            return (text + " " + (tr.dataset.q || "")).toLowerCase().indexOf(q) >= 0;
          }
          return (" " + (tr.getAttribute("data-" + e.name) || "") + " ").indexOf(" " + e.value + " ") >= 0;
        });
        tr.classList.toggle("ds-filtered-out", !ok);
        if (ok) shown++;
        if (unitSelect) roleNote(tr, unit);
      });
      scope.querySelectorAll("[data-filter-group]").forEach(function (g) {
        const any = g.querySelector("table[data-filter] tbody tr:not(.ds-filtered-out)");
        g.classList.toggle("ds-filtered-out", !any);
      });
      counts.forEach(function (c) {
        const n = c.rows.filter(function (tr) { return !tr.classList.contains("ds-filtered-out"); }).length;
        c.shown.textContent = chosen.length ? n + " / " : "";
        if (c.entry) c.entry.classList.toggle("ds-filtered-out", !n);
      });
      status.textContent = chosen.length ? "显示 " + shown + " / " + rows.length + " " + noun
        + (shown ? "" : "：没有符合条件的，请放宽筛选") : "共 " + rows.length + " " + noun;
    }
    function arrange(column, dir) {  // the [data-group-sort] blocks: by their key, or back in the page's order
      blocks.forEach(function (els, parent) {
        let order = els.slice();
        if (column) {
          order.sort(function (a, b) { return (+a.dataset.groupSort) - (+b.dataset.groupSort); });
          if (dir === "desc") order.reverse();
        }
        order.forEach(function (el) { parent.insertBefore(el, ends.get(parent)); });
      });
    }
    let sorting = false;  // sortBy's own tablesort calls are no header clicks
    function sortBy(value) {
      const parts = value ? value.split(":") : [];
      let groups = false;
      sorting = true;
      tables.forEach(function (t, k) {
        const ts = sorters[k];
        t.querySelectorAll("thead th[aria-sort]").forEach(function (th) { th.removeAttribute("aria-sort"); });
        const th = parts.length && t.tHead.querySelector('th[data-order="' + parts[0] + '"]');
        if (!th) {  // back to the page's own order
          original.get(t).forEach(function (tr) { t.tBodies[0].appendChild(tr); });
          ts.current = undefined;
          return;
        }
        groups = groups || th.hasAttribute("data-sort-groups");
        if (parts[1] === "desc") th.setAttribute("aria-sort", "ascending");  // tablesort flips it
        ts.current = th;
        ts.sortTable(th);
      });
      sorting = false;
      arrange(groups && parts[0], parts[1]);
    }
    function follow(t) {  // a header click sorts every table of the form the same way; the select follows
      const th = t.querySelector("thead th[aria-sort]");
      if (!th) return;
      const value = th.dataset.order + ":" + (th.getAttribute("aria-sort") === "descending" ? "desc" : "asc");
      if (sort) {
        sort.querySelectorAll("option[data-transient]").forEach(function (o) { if (o.value !== value) o.remove(); });
        if (!Array.from(sort.options).some(function (o) { return o.value === value; })) {
          const o = document.createElement("option");  // an order the select does not list, e.g. fewest first
          o.value = value;
          o.dataset.transient = "1";
          o.textContent = "按“" + th.textContent.trim() + "”列（" + (value.endsWith(":desc") ? "降序" : "升序") + "）";
          sort.appendChild(o);
        }
        sort.value = value;
      }
      sortBy(value);
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", function (e) { if (e.target === sort) sortBy(sort.value); else apply(); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.addEventListener("reset", function () {
      if (sort) sort.querySelectorAll("option[data-transient]").forEach(function (o) { o.remove(); });
      setTimeout(function () { sortBy(""); apply(); }, 0);
    });
    tables.forEach(function (t) {
      t.addEventListener("afterSort", function () { if (!sorting) follow(t); });
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
