"""Hypothesis strategies from the JSON schemas of an OpenAPI document (the subset pydantic
and FastAPI write: types, string lengths and formats, integer bounds, arrays, objects with
required and extra properties, ``anyOf``, ``$ref`` to ``#/components/schemas``).

Written by hand: hypothesis-jsonschema 0.23 reaches into Hypothesis internals that the
Hypothesis this project uses no longer has. :func:`from_schema` draws values that follow the
schema, except that an object has now and then ONE of its fields out of bounds
(:func:`outside`: too long, out of range, past the database's 64-bit integers, not a uuid) —
one thing wrong at a time, so the request gets past validation everywhere else and the odd
value reaches the code behind it, which is where servers break.
"""

from __future__ import annotations

from datetime import timezone
from typing import Any

from hypothesis import strategies as st

TEXT = st.text(max_size=40)
BIG = st.sampled_from([2**31, 2**63 - 1, 2**63, -(2**63) - 1, 10**400])  # past the database's integers
JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT)
ANY_JSON = st.recursive(JSON_LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)


def _target(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return _target(components[ref.rsplit("/", 1)[1]], components) if isinstance(ref, str) else schema


def from_schema(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values the schema accepts (objects: sometimes one field outside it)."""
    schema = _target(schema, components)
    if "anyOf" in schema:
        return st.one_of(*[from_schema(s, components, depth) for s in schema["anyOf"]])
    kind = schema.get("type")
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "uuid":
            return st.uuids().map(str)
        if fmt == "date-time":
            return st.datetimes(timezones=st.just(timezone.utc)).map(lambda d: d.isoformat())
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        return st.text(min_size=low, max_size=min(high, 40) if high is not None else 40)
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        inside = st.integers(min_value=low, max_value=high)
        # No bound in the schema: the database's integer edges are values the schema allows.
        edges = [n for n in (2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63) - 1)
                 if (low is None or n >= low) and (high is None or n <= high)]
        return st.one_of(inside, st.sampled_from(edges)) if edges else inside
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        items = from_schema(schema.get("items", {}), components, depth + 1) if depth < 4 else ANY_JSON
        return st.lists(items, max_size=min(schema.get("maxItems", 4), 4))
    if kind == "object" or "properties" in schema:
        return _object(schema, components, depth)
    return ANY_JSON


def outside(schema: dict[str, Any], components: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A value just outside the schema (or, for a schema without bounds, an awkward one)."""
    schema = _target(schema, components)
    if "anyOf" in schema:
        return st.one_of(*[outside(s, components) for s in schema["anyOf"]])
    kind = schema.get("type")
    if kind == "integer":
        edges = [st.just(schema["minimum"] - 1)] if "minimum" in schema else []
        edges += [st.just(schema["maximum"] + 1)] if "maximum" in schema else []
        return st.one_of(BIG, *edges)
    if kind == "string":
        if schema.get("format") in ("uuid", "date-time"):
            return TEXT
        high = schema.get("maxLength")
        return st.text(min_size=high + 1, max_size=high + 3) if high is not None else st.text(min_size=100,
                                                                                               max_size=300)
    return ANY_JSON


def _object(schema: dict[str, Any], components: dict[str, Any], depth: int) -> st.SearchStrategy[dict[str, Any]]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    fields = {name: from_schema(sub, components, depth + 1) for name, sub in properties.items()}
    valid = st.fixed_dictionaries({k: v for k, v in fields.items() if k in required},
                                  optional={k: v for k, v in fields.items() if k not in required})
    extra = st.dictionaries(TEXT, ANY_JSON, max_size=3) if schema.get("additionalProperties") else st.just({})
    names = sorted(properties)

    @st.composite
    def one_off(draw: st.DrawFn) -> dict[str, Any]:
        value = {**draw(extra), **draw(valid)}
        if names and draw(st.sampled_from((False, False, False, True))):  # about a quarter: one field outside
            name = draw(st.sampled_from(names))
            value[name] = draw(outside(properties[name], components))
        return value

    return one_off()


__all__ = ["ANY_JSON", "from_schema", "outside"]
