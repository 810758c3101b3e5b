/*
 * Site search for Chinese, in place of Material's lunr worker (overrides/partials/search.html
 * starts this file instead). It speaks Material 9.8's worker protocol (setup → ready, query →
 * result: pages grouped with their sections, best first), so Material's search box, result list,
 * keyboard handling and highlighting stay as they are.
 *
 * Why not lunr: Chinese has no spaces, and lunr matches whole index words or their prefixes, so
 * a query only finds a page when it is cut exactly as the page was (数字校园 vs 数字 | 校园,
 * 5G基站 vs 5G | 基站). Here a query matches the page text itself:
 *   1. normalise query and pages alike: NFKC (full-width → ASCII), lower case, traditional →
 *      simplified (variants.json, OpenCC's table for the characters of the site), no spaces;
 *   2. split the query at spaces, quotes and punctuation; a page matches when it contains every
 *      part (if none does: any part; then, for slips, most of the parts' character pairs, or any);
 *   3. rank: a page whose search key (hidden `tags`: an agency's names and abbreviations) equals
 *      the query comes first; then BM25 over title, keys and text, times the page's boost.
 * Keys are never sent back, so the result list shows no tags.
 *
 * No word segmentation anywhere: the site is built without jieba, so Material's search plugin leaves
 * the index text as written. (Where jieba is installed, Material puts U+200B between the words it
 * cuts; normalisation drops it, so such an index would give the same results.)
 *
 * Chosen by measurement (tests/search_queries.py: 1,316 reader queries derived from the data, run in
 * Chromium; recall@10 / zero results), when the build still had jieba: Material 9.8.2 as shipped, with
 * jieba and prefix keys, 54.0% / 35.4%; Material with a separator that splits ASCII from Han and at
 * quotes 58.3% / 30.9%; Pagefind 1.5.2 extended (segments Chinese) 69.6% / 16.0%; this worker 99.7% /
 * 0%. The misses of the others are traditional characters, abbreviations, phrases cut to a prefix,
 * ASCII mixed with Chinese and quotes; each would need this file's normalisation and keys anyway.
 */
"use strict"

const SPLIT = /[\s"'“”‘’「」『』《》〈〉()（）【】[\]{}<>,，。、;；:：?？!！·…—~]+/u
const SKIP = /[\s\u200b]/u
let T2S = {}
let docs = []
let pages = new Map()

function normChars(text, keep) {
  /* The normalised text and, if keep, each normalised character's offset in text (tags skipped). */
  let out = "", pos = keep ? [] : null, tag = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (keep === "html") {
      if (c === "<") { tag = true; continue }
      if (tag) { if (c === ">") tag = false; continue }
    }
    if (SKIP.test(c)) continue
    let n = c.charCodeAt(0) < 0x80 ? c.toLowerCase() : c.normalize("NFKC").toLowerCase()
    for (const m of n) {
      out += T2S[m] || m
      if (pos) pos.push(i)
    }
  }
  return pos ? [out, pos] : out
}

const norm = text => normChars(text, false)
// The same as normChars(html, "html")[0], in one pass per step (setup normalises the whole index).
const plain = html => html.replace(/<[^>]*>/g, "").normalize("NFKC").toLowerCase()
  .replace(/[\s\u200b]+/g, "").replace(/[^\x00-\x7f]/g, c => T2S[c] || c)
const count = (hay, needle) => { let n = 0, i = -1; while ((i = hay.indexOf(needle, i + 1)) >= 0) n++; return n }

function setup(index) {
  docs = index.docs.map(d => ({
    doc: d, page: d.location.split("#")[0],
    title: plain(d.title || ""), text: plain(d.text || ""),
    // a page's keys belong to the page, not to each of its sections (which Material gives them too)
    keys: d.location.includes("#") ? [] : (d.tags || []).map(norm), boost: d.boost || 1
  }))
  pages = new Map()
  for (const d of docs) {
    if (!pages.has(d.page)) pages.set(d.page, [])
    pages.get(d.page).push(d)
  }
  const total = docs.reduce((s, d) => s + d.text.length, 0)
  docs.avg = total / Math.max(1, docs.length)
}

function parts(query) {
  return [...new Set(query.normalize("NFKC").split(SPLIT).map(norm).filter(Boolean))]
}

function score(d, terms, idf, whole) {
  let s = d.keys.includes(whole) ? 1e6 : 0
  const k1 = 1.2, b = 0.75, len = d.text.length
  for (const t of terms) {
    const w = idf.get(t)
    if (d.keys.some(k => k.includes(t))) s += 8 * w
    if (d.title.includes(t)) s += 4 * w * Math.min(1, (t.length + 2) / d.title.length) + w
    const tf = count(d.text, t)
    if (tf) s += w * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / docs.avg))
  }
  return s * d.boost
}

function contains(d, t) {
  return d.text.includes(t) || d.title.includes(t) || d.keys.some(k => k.includes(t))
}

function rank(terms, whole, need) {
  /* Documents containing at least `need` of the terms, scored. */
  const idf = new Map()
  const hits = docs.map(d => terms.filter(t => contains(d, t)))
  for (const t of terms) {
    const n = new Set(docs.filter((d, i) => hits[i].includes(t)).map(d => d.page)).size
    idf.set(t, Math.log(1 + pages.size / Math.max(1, n)))
  }
  const out = []
  docs.forEach((d, i) => {
    if (hits[i].length >= need) out.push({d, matched: hits[i], score: hits[i].length * 1e3 * (need < terms.length) + score(d, hits[i], idf, whole)})
  })
  return out
}

function pairs(term) {
  const chars = [...term]
  if (chars.length < 3) return [term]
  const out = []
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1])
  return out
}

function mark(html, terms, isHTML) {
  /* Wrap each occurrence of the terms (matched on the normalised text) in <mark>. */
  const [n, pos] = normChars(html, isHTML ? "html" : "text")
  const ranges = []
  for (const t of terms)
    for (let i = n.indexOf(t); i >= 0; i = n.indexOf(t, i + 1)) {
      const a = pos[i], z = pos[i + t.length - 1] + 1
      if (!html.slice(a, z).includes("<")) ranges.push([a, z])
    }
  ranges.sort((x, y) => x[0] - y[0])
  let out = "", at = 0
  for (const [a, z] of ranges) {
    if (a < at) continue
    out += html.slice(at, a) + "<mark>" + html.slice(a, z) + "</mark>"
    at = z
  }
  return out + html.slice(at)
}

function search(query) {
  let terms = parts(query)
  if (!terms.length) return {items: [], suggest: []}
  const whole = terms.join("")
  let found = rank(terms, whole, terms.length)
  if (!found.length && terms.length > 1) found = rank(terms, whole, 1)
  let shown = terms
  if (!found.length) {  // slips: most of the character pairs of the query, else any
    const grams = [...new Set(terms.flatMap(pairs))]
    found = rank(grams, whole, Math.max(1, Math.ceil(grams.length * 0.6)))
    if (!found.length && grams.length > 1) found = rank(grams, whole, 1)
    shown = grams
  }
  const groups = new Map()
  for (const r of found.sort((x, y) => y.score - x.score)) {
    if (!groups.has(r.d.page)) groups.set(r.d.page, [])
    groups.get(r.d.page).push(r)
  }
  const items = []
  for (const [page, rs] of [...groups].slice(0, 100)) {
    if (!rs.some(r => r.d.doc.location === page)) {
      const article = pages.get(page).find(d => d.doc.location === page)
      if (article) rs.push({d: article, matched: [], score: 0})
    }
    items.push(rs.map(({d, matched, score}) => ({
      location: d.doc.location,
      title: mark(d.doc.title || "", shown, true),
      text: mark(d.doc.text || "", shown, true),
      score,
      terms: Object.fromEntries(terms.map(t => [t, shown === terms ? matched.includes(t) : true]))
    })))
  }
  return {items, suggest: []}
}

let ready = fetch(new URL("variants.json", self.location.href)).then(r => r.ok ? r.json() : {}).catch(() => ({}))

addEventListener("message", async ev => {
  const {type, data} = ev.data
  if (type === 0) {  // setup
    T2S = await ready
    setup(data)
    postMessage({type: 1})
  } else if (type === 2) {  // query
    let result
    try {
      result = search(data)
    } catch (err) {
      console.warn(err)
      result = {items: []}
    }
    postMessage({type: 3, data: result})
  }
})
