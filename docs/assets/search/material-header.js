/*
 * The adapter between the site's search (ui.js) and Material 9.8.2's header search box
 * (overrides/partials/search.html, in Material's markup and classes). The only part of the search
 * that knows the theme: Material opens and closes its search panel with the checkbox #__search
 * (CSS does the rest), and styles results as .md-search-result__item.
 *   - typing shows the best results as you type (fill, then a key press: an input method's commit);
 *   - Enter opens the search page with the query (search/?q=…) through the form's own submit;
 *   - ArrowDown / ArrowUp move between the box and the results, Escape closes, leaving the box closes;
 *   - "/", "s" or "f" anywhere else opens the box (Material's shortcuts).
 */
"use strict";
(function () {
  const box = document.querySelector(".md-search[data-ds-search]")
  const search = window.DsSearch
  if (!box || !search) return
  const toggle = document.getElementById("__search")
  const form = box.querySelector("form")
  const input = box.querySelector("input[name=q]")
  const meta = box.querySelector(".md-search-result__meta")
  const list = box.querySelector(".md-search-result__list")
  const SHOWN = 10
  const idle = meta.textContent
  let asked = null, timer = 0

  function open(on) {
    if (toggle && toggle.checked !== on) {
      toggle.checked = on
      toggle.dispatchEvent(new Event("change"))  // Material locks the page's scrolling on phones
    }
    list.hidden = !on
  }
  if (toggle) toggle.addEventListener("change", () => {
    list.hidden = !toggle.checked
    if (toggle.checked) {
      search.start()
      if (document.activeElement !== input) input.focus()
    }
  })
  // a phone's header button opens the box; focusing in the click lets the phone show its keyboard
  for (const label of document.querySelectorAll(".md-header__button[for=__search]"))
    label.addEventListener("click", () => input.focus())

  function item(result, near) {
    const li = document.createElement("li")
    li.className = "md-search-result__item" + (near ? " ds-search-near" : "")
    const link = document.createElement("a")
    link.className = "md-search-result__link"
    link.href = search.href(result)
    link.tabIndex = -1
    const article = document.createElement("article")
    article.className = "md-search-result__article md-typeset"
    const title = document.createElement("div")
    title.className = "ds-search-title"
    article.append(search.fill(title, result.title))
    for (const s of result.snippets) {
      const p = document.createElement("p")
      if (s.heading.length) {
        const heading = search.fill(document.createElement("span"), s.heading)
        heading.className = "ds-search-section"
        p.append(heading, s.text.length ? "：" : "")
      }
      article.append(search.fill(p, s.text))
    }
    link.append(article)
    li.append(link)
    return li
  }

  async function run() {
    const query = input.value
    if (query === asked) return
    asked = query
    if (!query.trim()) {
      list.replaceChildren()
      meta.textContent = idle
      return
    }
    const answer = await search.ask(query, SHOWN)
    if (input.value !== query) return  // a newer query is on its way
    list.replaceChildren(...(answer.ok ? answer.results.map(r => item(r, answer.near)) : []))
    if (answer.ok && answer.total > answer.results.length) {
      const li = document.createElement("li")
      li.className = "md-search-result__item ds-search-all"
      const link = document.createElement("a")
      link.className = "md-search-result__link"
      link.tabIndex = -1
      const url = new URL(search.page)
      url.searchParams.set("q", query.trim())
      link.href = url.href
      link.textContent = `查看全部 ${answer.total} 个结果`
      li.append(link)
      list.append(li)
    }
    meta.textContent = search.status(answer, query)
    meta.classList.toggle("ds-search-error", !answer.ok)
  }

  function later(ev) {
    if (ev.isComposing) return
    clearTimeout(timer)
    timer = setTimeout(run, 100)
  }
  // after the click that focused the box has done its work (the header button toggles #__search itself)
  input.addEventListener("focus", () => { setTimeout(() => open(true)); search.start() })
  input.addEventListener("input", later)
  input.addEventListener("keyup", later)
  form.addEventListener("reset", () => {
    setTimeout(() => { asked = null; run() })
    input.focus()
  })
  form.addEventListener("submit", ev => {
    if (!input.value.trim()) ev.preventDefault()
  })

  box.addEventListener("keydown", ev => {
    if (ev.key === "Escape") {
      open(false)
      input.blur()
    } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      const stops = [input, ...list.querySelectorAll("a[href]")]
      const at = Math.max(0, stops.indexOf(document.activeElement))
      stops[(at + (ev.key === "ArrowDown" ? 1 : stops.length - 1)) % stops.length].focus()
      ev.preventDefault()
    }
  })
  box.addEventListener("focusout", ev => {
    if (ev.relatedTarget && !box.contains(ev.relatedTarget)) open(false)
  })
  addEventListener("keydown", ev => {
    if (ev.metaKey || ev.ctrlKey || ev.altKey || ev.isComposing || !["/", "s", "f"].includes(ev.key)) return
    const at = document.activeElement
    if (at && (at.isContentEditable || ["INPUT", "SELECT", "TEXTAREA"].includes(at.tagName))) return
    ev.preventDefault()
    open(true)
    input.focus()
    input.select()
  })
})()
