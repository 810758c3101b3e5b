"""Data is text, never code: a dataset whose texts and names carry HTML, scripts, Jinja,
Markdown and odd Unicode builds into a site that shows each of them literally."""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

from shandong.check import DATA, FILES, check
from sitetools import article, built_site, page

pytestmark = pytest.mark.build

HOSTILE = ('<script>alert("x")</script> {{ 7*7 }} {% if true %}JINJA{% endif %} *em* _u_ __b__ '
           '[link](http://evil.example/) ![img](http://evil.example/i.png) `code` # h | p ~~s~~ '
           '<img src=x onerror=alert(1)> &amp; &lt; \\ \u200f\u202eRTL\u202c\u200b 😀 :material-home:')
NAME = "省<b>恶意</b>{{ config }}局*x*"


def hostile_data(dest: Path) -> Path:
    docs, problems = check()
    assert problems == []
    data = {k: copy.deepcopy(v.data) for k, v in docs.items()}
    data["agencies"]["agencies"].append({
        "id": "hostile", "name": NAME, "short": NAME, "en": HOSTILE, "kind": "provincial-department",
        "aliases": [NAME]})
    task = data["tasks"]["tasks"][0]
    task["text"] = HOSTILE + task["text"]
    task["units_as_written"] += "、" + NAME
    task["units"].append("hostile")
    measure = data["measures"]["measures"][0]
    measure["text"] = HOSTILE + measure["text"]
    measure["note"] = HOSTILE
    for kind, (rel, _) in FILES.items():
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(yaml.safe_dump(data[kind], allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")
    shutil.copytree(DATA / "schemas", dest / "schemas")
    return dest


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    data = hostile_data(tmp_path_factory.mktemp("hostile-data"))
    _, problems = check(data)
    assert problems == [], problems
    return built_site(data)


@pytest.mark.parametrize("url", ["tasks/1/", "measures/m1-1-1/", "agencies/hostile/", "agencies/big-data-bureau/"])
def test_hostile_text_shows_literally_and_nothing_executes(site, url):
    doc = page(site, url)
    body = article(doc)
    text = body.get_text()
    assert HOSTILE in text or HOSTILE.split(" {{")[0] in text
    assert "{{ 7*7 }}" in text and "JINJA{% endif %}" in text
    assert "*em*" in text and "[link](http://evil.example/)" in text
    assert "\u202eRTL" in text and "😀" in text
    # nothing became markup
    assert not [s for s in doc.find_all("script") if "alert" in (s.string or "")]
    assert not body.find_all("img", src="x")
    assert not body.find_all("a", href="http://evil.example/")
    assert not [e for e in body.find_all(["em", "strong", "code", "del"]) if e.get_text() in ("em", "u", "b", "code", "s")]
    assert not body.find_all("b", string="恶意")
    assert "49" not in text.replace("2018-2022", "")  # {{ 7*7 }} was not evaluated


def test_hostile_agency_name_is_literal_everywhere(site):
    for url in ["agencies/hostile/", "tasks/1/", "agencies/"]:
        assert NAME in article(page(site, url)).get_text(), url
    title = page(site, "agencies/hostile/").title.get_text()
    assert "恶意" in title
