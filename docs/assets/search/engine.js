/*
 * The site's search: normalise, match, rank, cut snippets. No page, no network: worker.js runs it
 * off the page (with the index and the traditional → simplified table the generate step writes,
 * scripts/shandong/views/search.py); the tests load it in Chromium.
 *
 * Chinese has no spaces, so there are no words to look up: a query matches the pages' text itself.
 *   1. Query and pages are normalised alike: NFKC (full-width → ASCII), lower case, traditional →
 *      simplified (variants.json), no spaces. A line break of the index stays a boundary.
 *   2. The query is cut into parts at spaces, quotes and punctuation ("沃土行动" 龙头企业 → two parts).
 *   3. A page is a result when it contains EVERY part: in its title, lead, sections, search keys
 *      (an agency's names and abbreviations, never shown), or its units' keys (an item of 工信厅).
 *   4. When no page contains every part, the answer says so (near: true) and offers the pages that
 *      hold most (≥ 60%) of the query's character pairs, for slips (沃土行为, 智慧校圆); a query
 *      about nothing on the site (xyz不存在的词) has none.
 *   5. Rank: a page whose key or title is the whole query first; then BM25 over title, keys, lead
 *      (counted twice) and sections, times the page's boost (items 3, agencies 2).
 * Results carry their title and snippets as segments [text, marked]: the page draws them as text,
 * never as HTML. The lead (an item's own text) is always a page's first snippet.
 *
 * Chosen by measurement (tests/search_queries.py, 1,207 queries derived from the data, in Chromium;
 * recall@10): Material 9.8.2's lunr 54.0%, Pagefind 1.5.2 extended 69.6%, this approach 99.1%.
 */
"use strict";
(function (root) {
  const SPLIT = /[\s"'“”‘’「」『』《》〈〉()（）【】[\]{}<>,，。、;；:：?？!！·…—~\u0000-\u001f]+/u
  const SPACE = /[\s\u200b]/u
  const BOUNDARY = "\u0001"  // a line break of the index: no query part spans it
  const NEAR = 0.6  // a near match holds this share of the query's character pairs
  const SNIPPET = 120  // characters of a snippet
  const SNIPPETS = 3  // snippets per page

  function create(index, variants) {
    if (!index || !Array.isArray(index.pages)) throw new Error("the search index has no pages")
    const T2S = variants || {}

    function normChars(text) {
      /* The normalised text and, for each of its characters, its offset in text. */
      let out = ""
      const pos = []
      for (let i = 0; i < text.length; i++) {
        let c = text[i]
        const code = c.charCodeAt(0)
        if (code >= 0xd800 && code < 0xdc00 && i + 1 < text.length) c += text[++i]  // a pair of surrogates
        if (c === "\n") { out += BOUNDARY; pos.push(i); continue }
        if (SPACE.test(c)) continue
        const n = code < 0x80 ? c.toLowerCase() : c.normalize("NFKC").toLowerCase()
        for (const m of n) {
          if (SPACE.test(m)) continue
          out += T2S[m] || m
          pos.push(i + 1 - c.length)
        }
      }
      return [out, pos]
    }
    const norm = text => normChars(text || "")[0]

    function parts(query) {
      return [...new Set(String(query || "").normalize("NFKC").split(SPLIT).map(norm).filter(Boolean))]
    }

    const pages = index.pages.map((r, i) => {
      const sections = (r.s || []).map(([anchor, heading, text]) => ({anchor, heading, text, nh: norm(heading), nt: norm(text)}))
      const keys = (r.k || []).map(norm)
      const p = {i, rec: r, nt: norm(r.t), nl: norm(r.l), sections, keys, boost: r.b || 1}
      p.all = [p.nt, p.nl, ...sections.flatMap(s => [s.nh, s.nt]), ...keys].join(BOUNDARY)
      p.length = p.nl.length + sections.reduce((n, s) => n + s.nh.length + s.nt.length, 0)
      return p
    })
    for (const p of pages) {
      p.units = (p.rec.a || []).map(j => pages[j]).filter(Boolean)
      p.unitAll = p.units.map(u => [u.nt, ...u.keys].join(BOUNDARY)).join(BOUNDARY)
    }
    const average = pages.reduce((n, p) => n + p.length, 0) / Math.max(1, pages.length)

    const count = (hay, needle) => { let n = 0, i = -1; while ((i = hay.indexOf(needle, i + 1)) >= 0) n++; return n }
    const contains = (p, t) => p.all.includes(t) || p.unitAll.includes(t)

    function score(p, terms, idf, whole) {
      let s = p.keys.includes(whole) || p.nt === whole ? 1e6 : 0
      const k1 = 1.2, b = 0.75
      for (const t of terms) {
        const w = idf.get(t)
        let seen = false
        if (p.keys.some(k => k.includes(t))) { s += 8 * w; seen = true }
        if (p.nt.includes(t)) { s += 4 * w * Math.min(1, (t.length + 2) / p.nt.length) + w; seen = true }
        const tf = 2 * count(p.nl, t) + p.sections.reduce((n, x) => n + count(x.nh, t) + count(x.nt, t), 0)
        if (tf) { s += w * tf * (k1 + 1) / (tf + k1 * (1 - b + b * p.length / average)); seen = true }
        if (!seen && p.unitAll.includes(t)) s += 0.5 * w
      }
      return s * p.boost
    }

    function rank(terms, whole, need) {
      /* The pages holding at least `need` of the terms, best first. */
      const held = pages.map(p => terms.filter(t => contains(p, t)))
      const idf = new Map(terms.map(t => [t, Math.log(1 + pages.length / Math.max(1, held.filter(h => h.includes(t)).length))]))
      const out = []
      pages.forEach((p, i) => {
        if (held[i].length >= need)
          out.push({p, score: (need < terms.length ? held[i].length * 1e3 : 0) + score(p, held[i], idf, whole)})
      })
      return out.sort((x, y) => y.score - x.score || x.p.i - y.p.i)
    }

    function pairs(term) {
      const chars = [...term]
      if (chars.length < 3) return [term]
      const out = []
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1])
      return out
    }

    function ranges(text, terms) {
      /* [start, end) of every occurrence of the terms in text (matched on the normalised text), merged. */
      const [n, pos] = normChars(text)
      const out = []
      for (const t of terms)
        for (let i = n.indexOf(t); i >= 0; i = n.indexOf(t, i + 1)) {
          const last = pos[i + t.length - 1]
          out.push([pos[i], last + (text.codePointAt(last) > 0xffff ? 2 : 1)])
        }
      out.sort((x, y) => x[0] - y[0] || y[1] - x[1])
      const merged = []
      for (const r of out) {
        const top = merged[merged.length - 1]
        if (top && r[0] <= top[1]) top[1] = Math.max(top[1], r[1])
        else merged.push([...r])
      }
      return merged
    }

    function segments(text, terms, max) {
      /* text (or, if longer than max, a window of it around its first match) as [text, marked] pieces. */
      text = String(text || "").replace(/\n/g, " ")
      const found = ranges(text, terms)
      let start = 0, end = text.length
      if (max && text.length > max) {
        start = found.length ? Math.max(0, found[0][0] - Math.floor(max / 4)) : 0
        end = Math.min(text.length, start + max)
        start = Math.max(0, Math.min(start, end - max))
      }
      const out = start > 0 ? [["…", 0]] : []
      let at = start
      for (const [a, z] of found) {
        if (z <= start || a >= end) continue
        const a1 = Math.max(a, at), z1 = Math.min(z, end)
        if (a1 > at) out.push([text.slice(at, a1), 0])
        if (z1 > a1) out.push([text.slice(a1, z1), 1])
        at = z1
      }
      if (end > at) out.push([text.slice(at, end), 0])
      if (end < text.length) out.push(["…", 0])
      return out
    }

    const marked = segs => segs.some(([, m]) => m)

    function describe(p, terms, near) {
      const r = p.rec, snippets = [], title = segments(r.t, terms)
      const lead = r.l ? segments(r.l, terms, SNIPPET) : null
      if (lead) snippets.push({heading: [], text: lead})
      // parts that only the page's units hold (工信厅 for an item of 省工业和信息化厅): say which units
      const byUnits = terms.filter(t => !p.all.includes(t) && p.unitAll.includes(t))
      // A unit found by an abbreviation that its shown name does not hold is marked whole (工信厅 →
      // 省工业和信息化厅); among near matches, only the units whose shown name holds a part are named.
      const units = p.units.filter(u => byUnits.some(t => u.nt.includes(t) || u.keys.some(k => k.includes(t))))
        .map(u => [u.rec.n || u.rec.t]).map(([name]) => [name, segments(name, terms)])
        .filter(([, segs]) => !near || marked(segs))
      if (units.length) {
        const text = units.flatMap(([name, segs], k) => [...(k ? [["、", 0]] : []), ...(marked(segs) ? segs : [[name, 1]])])
        snippets.push({heading: [["责任单位", 0]], text})
      }
      // the link goes to the first section that matches when neither the title nor the lead does
      let anchor = marked(title) || (lead && marked(lead)) ? null : ""
      for (const s of p.sections) {
        if (snippets.length >= SNIPPETS) break
        if (!terms.some(t => s.nh.includes(t) || s.nt.includes(t))) continue
        snippets.push({heading: segments(s.heading, terms), text: s.text ? segments(s.text, terms, SNIPPET) : []})
        if (anchor === "") anchor = s.anchor || null
      }
      if (!snippets.length && p.sections.length) {
        const s = p.sections[0]
        snippets.push({heading: segments(s.heading, terms), text: s.text ? segments(s.text, terms, SNIPPET) : []})
      }
      return {url: r.u, anchor: anchor || "", title, snippets, near}
    }

    function search(query, options) {
      const limit = (options && options.limit) || 50
      const terms = parts(query)
      if (!terms.length) return {query: String(query || ""), parts: [], near: false, total: 0, results: []}
      const whole = terms.join("")
      let found = rank(terms, whole, terms.length), shown = terms, near = false
      if (!found.length) {  // nothing holds every part: most of the query's character pairs, for slips
        near = true
        shown = [...new Set(terms.flatMap(pairs))]
        found = shown.length > 1 ? rank(shown, whole, Math.ceil(shown.length * NEAR)) : []
      }
      return {query: String(query), parts: terms, near, total: found.length,
              results: found.slice(0, limit).map(({p, score}) => ({...describe(p, shown, near), score}))}
    }

    return {search, parts, norm, pages: pages.length}
  }

  root.DsSearchEngine = {create}
})(typeof self !== "undefined" ? self : this)
