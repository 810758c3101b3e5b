"""Fuzzing the loader and the checker with random YAML documents (hypothesis).

test_check.py edits the real data at random; here whole documents are random: arbitrary nested
values (any YAML scalar, non-text keys, deep nesting), documents shaped like the data files but
filled with wrong values, random YAML-looking text and random bytes, written into one data file or
into all four at once. The loader and the checker must always answer with problems (each with a
line and column from 1), never raise.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shandong.data.check import DATA, FILES, check, report
from shandong.data.load import Problem, load_yaml

VALID = {kind: load_yaml(DATA / rel, f"data/{rel}")[0].data for kind, (rel, _schema) in FILES.items()}
HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]


def keys_and_values(value, keys: set, values: set) -> None:
    """Every mapping key and scalar value of the real data (material for realistic wrong documents)."""
    if isinstance(value, dict):
        for k, v in value.items():
            keys.add(k)
            keys_and_values(v, keys, values)
    elif isinstance(value, list):
        for v in value:
            keys_and_values(v, keys, values)
    else:
        values.add(value)


KEYS: set = set()
VALUES: set = set()
for _doc in VALID.values():
    keys_and_values(_doc, KEYS, VALUES)
REAL_KEYS = st.sampled_from(sorted(KEYS))
REAL_VALUES = st.sampled_from(sorted(VALUES, key=repr))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.dates(), st.datetimes(), st.binary(max_size=8), REAL_VALUES)
keys = st.one_of(REAL_KEYS, st.text(max_size=10), st.integers(-5, 5), st.booleans(), st.none(), st.floats(allow_nan=False),
                 st.dates())
nested = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
                      max_leaves=30)


@st.composite
def shaped_like(draw, kind: str):
    """The file's own top-level keys and field names, with values of any kind."""
    doc = {}
    for top in draw(st.lists(st.sampled_from(sorted(VALID[kind])), max_size=len(VALID[kind]), unique=True)):
        if draw(st.booleans()):
            records = draw(st.lists(st.dictionaries(REAL_KEYS, st.one_of(nested, REAL_VALUES), max_size=8), max_size=4))
            doc[top] = records
        else:
            doc[top] = draw(nested)
    return doc


TOKENS = st.sampled_from([
    ":", ": ", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "!!str ", "!!binary ", "!!python/object:os.system ", "!foo ",
    "? ", "|", ">", "|-", "'", '"', "#", "%YAML 1.1\n", "---\n", "...\n", "\n", "\n  ", "\n    ", "\t", " ", "~", "null",
    "true", "0x1F", "0o17", "1e9", ".nan", "2020-12-31", "12:30", "<<: ", "\\", "\ufeff", "\x00", "\x1b", "\u2028", "\u202e",
    "中文", "tasks", "agencies", "themes", "measures", "id", "units", "number"])
yaml_text = st.lists(st.one_of(TOKENS, st.text(max_size=5)), max_size=60).map("".join)


def dumped(value) -> bytes:
    try:
        return yaml.dump(value, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False).encode("utf-8")
    except yaml.YAMLError:  # a value safe_dump refuses: dump its repr instead
        return yaml.safe_dump(repr(value), allow_unicode=True).encode("utf-8")


def documents(kind: str):
    return st.one_of(nested.map(dumped), shaped_like(kind).map(dumped), yaml_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
                     st.binary(max_size=200))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, copy_data) -> Path:
    return copy_data(tmp_path_factory.mktemp("fuzz-data"))


def assert_clean_answer(data_dir: Path, written: dict[str, bytes]) -> list[Problem]:
    docs, problems = check(data_dir)
    assert isinstance(problems, list)
    for p in problems:
        assert isinstance(p, Problem)
        assert p.line >= 1 and p.col >= 1, p
        assert str(p).startswith("data/") and p.message
    report(problems)
    for kind, raw in written.items():
        rel = FILES[kind][0]
        doc, file_problems = load_yaml(data_dir / rel, f"data/{rel}")
        assert doc is not None or file_problems
        lines = len(raw.decode("utf-8", "replace").splitlines())
        for p in file_problems:
            assert 1 <= p.line <= lines + 2 and p.col >= 1, p
    if not problems:  # a random document that passes must build a model
        from shandong.data.model import build_model
        build_model(docs)
    return problems


def docs_value(data_dir: Path, kind: str):
    doc, _ = load_yaml(data_dir / FILES[kind][0], f"data/{FILES[kind][0]}")
    return doc.data if doc else None


def restore(data_dir: Path, kinds) -> None:
    for kind in kinds:
        rel = FILES[kind][0]
        shutil.copyfile(DATA / rel, data_dir / rel)


@settings(max_examples=100, deadline=None, suppress_health_check=HEALTH)
@given(data=st.data())
def test_a_random_document_in_one_file_never_raises(workdir, data):
    kind = data.draw(st.sampled_from(sorted(FILES)))
    raw = data.draw(documents(kind))
    (workdir / FILES[kind][0]).write_bytes(raw)
    try:
        problems = assert_clean_answer(workdir, {kind: raw})
        # sources.yaml may rightly be as small as `sources: []` (no source registered yet); a random
        # document of any other file passing the checker would mean the schema lets nonsense through.
        assert problems or (kind == "sources" and docs_value(workdir, kind) == {"sources": []}), \
            "a random document was accepted as valid data"
    finally:
        restore(workdir, [kind])


@settings(max_examples=30, deadline=None, suppress_health_check=HEALTH)
@given(data=st.data())
def test_random_documents_in_all_four_files_never_raise(workdir, data):
    written = {kind: data.draw(documents(kind)) for kind in sorted(FILES)}
    for kind, raw in written.items():
        (workdir / FILES[kind][0]).write_bytes(raw)
    try:
        assert assert_clean_answer(workdir, written)
    finally:
        restore(workdir, FILES)
