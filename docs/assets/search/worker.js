/*
 * The site's search off the page: loads the index and the traditional → simplified table (beside
 * this file; the generate step writes them) and answers queries with engine.js. Our own messages,
 * the same for the search page and the header box (ui.js):
 *
 *   page → worker   {id, query, limit}
 *   worker → page   {id, ok: true, query, parts, near, total, results}      (engine.js: search)
 *                   {id, ok: false, error}    the reason, in Chinese, for the reader
 *
 * A failed load answers every query with the error; so does an exception while searching.
 */
"use strict"

let engine = null
let failure = ""

class Failure extends Error {}  // a reason for the reader, in Chinese

async function load(name) {
  let response
  try {
    response = await fetch(new URL(name, self.location.href))
  } catch (err) {
    throw new Failure("搜索数据没有加载成功（无法连接服务器）")
  }
  if (!response.ok) throw new Failure(`搜索数据没有加载成功（服务器返回 ${response.status}）`)
  try {
    return await response.json()
  } catch (err) {
    throw new Failure("搜索数据已损坏")
  }
}

const ready = (async () => {
  try {
    try {
      importScripts("engine.js")
    } catch (err) {
      throw new Failure("搜索程序没有加载成功")
    }
    const [index, variants] = await Promise.all([load("index.json"), load("variants.json")])
    engine = self.DsSearchEngine.create(index, variants)
  } catch (err) {
    failure = err instanceof Failure ? err.message : "搜索数据已损坏"
    console.warn("search:", err)
  }
})()

addEventListener("message", async ev => {
  const {id, query, limit} = ev.data || {}
  await ready
  if (failure) return postMessage({id, ok: false, error: failure})
  try {
    postMessage({id, ok: true, ...engine.search(query, {limit})})
  } catch (err) {
    console.warn("search:", err)
    postMessage({id, ok: false, error: "查询时出错"})
  }
})
