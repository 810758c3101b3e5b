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
