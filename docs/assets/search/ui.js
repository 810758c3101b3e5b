/*
 * The site's search on the page, for any theme: starts the search worker (worker.js) when a reader
 * first searches, sends it queries, and says what came back. It runs the search page
 * (docs/search/index.md: /search/?q=…, a shareable address) and gives the theme's header box its
 * results (material-header.js, the one part that knows the theme).
 *
 *   DsSearch.ask(query, limit) → Promise of the worker's answer ({ok, near, total, results} or {ok: false, error})
 *   DsSearch.status(answer, query) → the sentence that says what was found (or that nothing was, or why search failed)
 *   DsSearch.href(result) → the result's address;  DsSearch.fill(element, segments) → text with <mark>s
 *
 * Text from the index is always set as text, never parsed as HTML.
 */
"use strict";
(function () {
  if (window.DsSearch) return  // loaded by the theme's header and by the search page alike
  const here = new URL(".", document.currentScript.src)  // assets/search/
  const home = new URL("../../", here)  // the site's root
  const SEARCH_PAGE = new URL("search/", home)
  const PAGE_LIMIT = 50
  let worker = null, broken = "", next = 0
  const waiting = new Map()

  function fail(message) {
    broken = message
    for (const [, answer] of waiting) answer({ok: false, error: message})
    waiting.clear()
  }

  function start() {
    if (worker || broken) return
    try {
      worker = new Worker(new URL("worker.js", here))
    } catch (err) {
      return fail("浏览器无法运行搜索程序")
    }
    worker.addEventListener("message", ev => {
      const answer = waiting.get(ev.data && ev.data.id)
      if (answer) {
        waiting.delete(ev.data.id)
        answer(ev.data)
      }
    })
    worker.addEventListener("error", () => fail("搜索程序没有加载成功"))
  }

  function ask(query, limit) {
    start()
    if (broken) return Promise.resolve({ok: false, error: broken})
    return new Promise(answer => {
      const id = ++next
      waiting.set(id, answer)
      worker.postMessage({id, query, limit})
    })
  }

  function status(answer, query) {
    const q = String(query || "").trim()
    if (!answer.ok) return `搜索暂时无法使用：${answer.error}。请稍后再试，或从主题、责任单位页面查找。`
    if (!answer.parts.length) return "键入要找的词：单位名称或简称、任务和措施的文字、数字。"
    const all = answer.parts.length > 1 ? "同时" : ""  // every part of the query is in every result
    if (!answer.near) return `找到 ${answer.total} 个${all}包含“${q}”的页面。`
    const none = `没有找到${all}包含“${q}”的页面。`
    return answer.total ? `${none}以下 ${answer.total} 个页面与之相近，只包含其中一部分：` : none
  }

  function href(result) {
    const url = new URL(result.url, home)
    url.hash = result.anchor || ""
    return url.href
  }

  function fill(element, segments) {
    for (const [text, marked] of segments) {
      if (marked) {
        const mark = document.createElement("mark")
        mark.textContent = text
        element.append(mark)
      } else {
        element.append(text)
      }
    }
    return element
  }

  function make(tag, className) {
    const element = document.createElement(tag)
    if (className) element.className = className
    return element
  }

  // --- the search page -----------------------------------------------------------------------

  function searchPage(form) {
    const input = form.querySelector("input[name=q]")
    const line = document.getElementById(form.dataset.dsStatus)
    const list = document.getElementById(form.dataset.dsResults)
    const title = document.title
    let shown = null, timer = 0, composing = false
    for (const note of document.querySelectorAll("[data-ds-search-nojs]")) note.hidden = true
    form.hidden = false  // hidden without JavaScript, where it could not search

    async function run(remember) {
      const query = input.value
      if (remember) {  // the address holds the query: a shareable link to these results
        const url = new URL(location.href)
        if (query.trim()) url.searchParams.set("q", query.trim())
        else url.searchParams.delete("q")
        history.replaceState(history.state, "", url)
      }
      document.title = query.trim() ? `${query.trim()}：搜索结果 - ${title}` : title
      if (query === shown) return
      shown = query
      form.setAttribute("aria-busy", "true")
      const answer = query.trim() ? await ask(query, PAGE_LIMIT) : {ok: true, parts: [], results: []}
      if (input.value !== query) return  // a newer query is on its way
      form.removeAttribute("aria-busy")
      list.replaceChildren()
      list.classList.toggle("ds-search-near", Boolean(answer.near))
      for (const r of answer.ok ? answer.results : []) {
        const item = make("li", "ds-search-result")
        const heading = make("h2", "ds-search-result-title")
        const link = make("a")
        link.href = href(r)
        heading.append(fill(link, r.title))
        item.append(heading)
        for (const s of r.snippets) {
          const p = make("p", "ds-search-snippet")
          if (s.heading.length) p.append(fill(make("span", "ds-search-section"), s.heading), s.text.length ? "：" : "")
          item.append(fill(p, s.text))
        }
        list.append(item)
      }
      let said = status(answer, query)
      if (answer.ok && answer.total > answer.results.length) said += `下面列出前 ${answer.results.length} 个。`
      line.textContent = said
      line.classList.toggle("ds-search-error", !answer.ok)
    }

    form.addEventListener("submit", ev => {
      ev.preventDefault()
      shown = null
      run(true)
    })
    input.addEventListener("compositionstart", () => { composing = true })
    input.addEventListener("compositionend", () => { composing = false })
    const later = () => {
      if (composing) return
      clearTimeout(timer)
      timer = setTimeout(() => run(true), 150)
    }
    input.addEventListener("input", later)
    input.addEventListener("keyup", later)  // an input method's commit ends in a key press
    input.value = new URL(location.href).searchParams.get("q") || ""
    if (input.value) run(false)
    else {
      line.textContent = status({ok: true, parts: []}, "")
      input.focus()
    }
  }

  window.DsSearch = {ask, start, status, href, fill, page: SEARCH_PAGE.href}

  function ready() {
    const form = document.querySelector("form[data-ds-search-page]")
    if (form) searchPage(form)
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready)
  else ready()
})()
