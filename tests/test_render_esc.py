"""render.esc, unit-tested without a build: text from the data, escaped by esc() and put through the
site's own Markdown (the extensions of mkdocs.yml, as MkDocs configures them), must come out as
exactly that text and nothing else: no element, no link, no emphasis, no emoji, no heading.

The oracle is Python-Markdown and an HTML parser, not esc's table of characters: dropping any
character from the escaping (``*`` say) makes a case here produce markup, and the test fail.
"""
from __future__ import annotations

import functools

import pytest
from bs4 import BeautifulSoup

from shandong import ROOT
from shandong.views.render import esc

# Each case is something Markdown (or an extension of mkdocs.yml) would act on if it were not escaped.
CASES = {
    "emphasis *": "重点 *任务* 推进",
    "strong **": "**加粗**",
    "emphasis _": "_下划线_ 与 __加粗__",
    "link": "[链接](http://evil.example/)",
    "image": "![图](http://evil.example/i.png)",
    "autolink": "<http://evil.example/>",
    "html": '<script>alert("x")</script><b>粗</b>',
    "entity": "&amp; &lt; &#42;",
    "code": "`代码`",
    "heading": "# 标题",
    "table pipe": "甲 | 乙\n--- | ---\n丙 | 丁",
    "strikethrough ~": "~~删除~~",
    "emoji": ":smile: :material-home:",
    "backslash": "\\*不是转义\\*",
    "list marker -": "- 列表项",
    "list marker +": "+ 列表项",
    "numbered list": "1. 第一",
    "setext heading": "标题\n===",
    "attr_list": "文字{: .cls #id }",
    "admonition": "!!! note \"提示\"",
    "details": "??? note",
    "fence": "```\ncode\n```",
    "footnote-like": "[^1]",
    "jinja": "{{ config }} {% if true %}x{% endif %}",
    "dollar": "$x$",
    "quotes": "\"双引号\" '单引号'",
}


@functools.cache
def markdown_of_the_site():
    """Python-Markdown with mkdocs.yml's markdown_extensions and their settings."""
    import markdown
    from mkdocs.utils.yaml import yaml_load

    with open(ROOT / "mkdocs.yml", "rb") as fd:
        config = yaml_load(fd)
    names, settings = [], {}
    for entry in config["markdown_extensions"]:
        name, options = (entry, None) if isinstance(entry, str) else next(iter(entry.items()))
        names.append(name)
        if options:
            settings[name] = options
    return markdown.Markdown(extensions=names, extension_configs=settings)


def rendered(markdown_text: str) -> BeautifulSoup:
    md = markdown_of_the_site()
    md.reset()
    return BeautifulSoup(md.convert(markdown_text), "html.parser")


@pytest.mark.parametrize("text", CASES.values(), ids=list(CASES))
def test_escaped_text_renders_as_itself_and_nothing_else(text):
    doc = rendered(str(esc(text)))
    tags = [t.name for t in doc.find_all(True)]
    assert tags in ([], ["p"]), (text, str(doc))
    # esc() turns line breaks into spaces (a data field is one paragraph of text)
    assert doc.get_text() == text.replace("\n", " "), str(doc)


@pytest.mark.parametrize("text", CASES.values(), ids=list(CASES))
def test_escaped_text_in_a_table_cell_stays_in_its_cell(text):
    doc = rendered(f"| a | b |\n|---|---|\n| {esc(text)} | x |\n")
    cells = doc.find_all("td")
    assert [c.get_text() for c in cells] == [text.replace("\n", " "), "x"], str(doc)
    assert not any(c.find(True) for c in cells), str(doc)


def test_escaping_is_needed_for_these_cases():
    """The cases are real: unescaped, Markdown acts on most of them (else the tests above prove nothing)."""
    acted = [name for name, text in CASES.items()
             if [t.name for t in rendered(text).find_all(True)] not in ([], ["p"]) or rendered(text).get_text() != text]
    assert {"emphasis *", "strong **", "link", "html", "heading", "emoji", "list marker -"} <= set(acted), acted


def test_markup_built_by_templates_passes_through():
    from markupsafe import Markup

    assert esc(Markup("<b>x</b>")) == "<b>x</b>"
    assert esc(None) == "None" and esc(42) == "42"
