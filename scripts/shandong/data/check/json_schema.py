"""JSON Schema (one per data file, in data/schemas/) and its errors as messages an editor can act on."""
from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING

from ...config import SCHEMAS
from ..load import Document, Problem
from .messages import _kind, _p, _show, _type_words, did_you_mean, where

if TYPE_CHECKING:
    import jsonschema


@cache
def schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def validator(name: str) -> jsonschema.protocols.Validator:
    import jsonschema  # here, not at the top: a build whose data passed before never imports it (site.get_data)

    s = schema(name)
    # The schemas themselves are checked by the tests (tests/test_check.py), not at every build (~0.1 s).
    return jsonschema.validators.validator_for(s)(s)



def _expected(s: dict, fallback: str = "") -> str:
    return s.get("x-expected") or fallback


def _field_expected(root: dict, prop: dict) -> str:
    """What a field expects: its x-expected, else its $ref's, else its description."""
    ref = prop.get("$ref", "")
    target = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {}) if ref.startswith("#/$defs/") else {}
    exp = prop.get("x-expected") or target.get("x-expected") or prop.get("description") or target.get("description") or ""
    return (exp[:1].lower() + exp[1:]).rstrip(".")


def schema_problems(doc: Document, schema_name: str) -> list[Problem]:
    out = []
    for err in validator(schema_name).iter_errors(doc.data):
        path = tuple(err.absolute_path)
        line, col = doc.where(path)
        v, inst, s = err.validator, err.instance, err.schema
        if v == "required":
            props = s.get("properties", {})
            for name in [r for r in err.validator_value if isinstance(inst, dict) and r not in inst]:
                # A conditional (if/then/else) says what it expects; a record's schema, per field.
                exp = _expected(s) if "properties" not in s else _field_expected(schema(schema_name), props.get(name, {}))
                out.append(_p(doc, path, f"missing field '{name}'" + (f" (expected {exp})" if exp else "")))
            continue
        if v == "additionalProperties":
            allowed = list(s.get("properties", {}))
            for extra in [k for k in inst if k not in allowed]:
                hint = did_you_mean(extra, {a: a for a in allowed}) or _belongs_inside(schema(schema_name), s, extra)
                line, col = doc.key_where(path + (extra,))
                out.append(Problem(doc.file, line, col, where(doc.data, path),
                                   f"unknown field '{extra}' (expected one of: {', '.join(allowed)}){hint}"))
            continue
        if v == "enum":
            opts = [str(o) for o in err.validator_value]
            hint = did_you_mean(inst, {o: o for o in opts})
            msg = f"{_show(inst)} is not allowed (expected one of: {', '.join(opts)}){hint}"
        elif v == "const":
            msg = f"{_show(inst)} is not allowed (expected {err.validator_value!r})"
        elif v == "type":
            want = err.validator_value
            found = f"{_show(inst)} is {_kind(inst)}" if isinstance(inst, (str, int, float)) else f"found {_show(inst)}"
            msg = f"{found} (expected {_expected(s, _type_words(want))})"
        elif v == "pattern":
            msg = f"{_show(inst)} does not have the expected form (expected {_expected(s, 'text matching ' + s['pattern'])})"
        elif v == "maxLength":
            msg = f"{_show(inst)} is {len(inst)} characters long (expected {_expected(s, f'at most {err.validator_value} characters')})"
        elif v in ("minLength", "minItems"):
            msg = f"{_show(inst)} is empty (expected {_expected(s, 'a value')})"
        elif v == "uniqueItems":
            seen, dup = set(), None
            for x in inst:
                key = json.dumps(x, sort_keys=True, ensure_ascii=False)
                if key in seen:
                    dup = x
                    break
                seen.add(key)
            msg = f"{_show(dup)} is listed twice (expected each value once)"
        elif v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            msg = f"{_show(inst)} is out of range (expected {_expected(s, f'{v} {err.validator_value}')})"
        elif v == "not":
            msg = f"not allowed here (expected {_expected(s, 'something else')})"
        elif v == "anyOf":
            msg = f"none of the allowed forms matches (expected {_expected(s, 'one of the forms in the schema')})"
        else:
            msg = err.message
        out.append(Problem(doc.file, line, col, where(doc.data, path), msg))
    return out


def _belongs_inside(root: dict, s: dict, key: str) -> str:
    """A hint for a field written one level too far left: the block of this record it belongs in."""
    for name, prop in s.get("properties", {}).items():
        ref = prop.get("$ref", "")
        target = root.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {}) if ref.startswith("#/$defs/") else prop
        if key in target.get("properties", {}):
            return f"; '{key}' belongs inside '{name}': indent it under '{name}:'"
    return ""


