"""A fast yes/no answer to "does this data fit this JSON Schema (2020-12)?".

jsonschema walks the schema anew for every file: each keyword is a generator, each `$ref` a
registry lookup, each step a new validator object; about 4 ms per manifest, most of `zot ext
validate`. Here a schema is compiled once into plain Python closures that only answer yes or
no, about twenty times faster.

It never words a diagnostic. Callers ask it first and, when it says "no" (or could not compile
the schema), run jsonschema as before, so every message stays exactly what it was. That makes
one property essential: its answer must be jsonschema's `is_valid`. It mirrors jsonschema's own
keyword functions (type checks, `equal`, `uniq`, `re.search`, how `$dynamicRef` resolves) and
refuses (`Unsupported`) any keyword jsonschema validates that it does not implement, so a
future keyword cannot be skipped silently; tests/ext/test_fastschema.py compares both on every
corpus file and on random mutations.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

from zot.ext.schema_keywords import (DIALECT, IGNORED, KEYWORDS, ORDER, UNSUPPORTED, Check,  # noqa: F401
                                     Unsupported, _all, _no, _yes)


# --------------------------------------------------------------------------- the compiler


class Compiler:
    """Compiles one entry schema; `documents` are other schemas its `$ref`s may name by URI."""

    def __init__(self, entry: Any, documents: list[Any] = ()) -> None:
        self.entry = entry
        self.resources: dict[str, Any] = {}
        for doc in [*documents, entry]:
            if isinstance(doc, dict):
                if doc.get("$schema", DIALECT) != DIALECT:
                    raise Unsupported(f"the dialect {doc['$schema']!r}")
                self.resources[_uri(doc)] = doc
        self.entry_uri = _uri(entry)
        self.targets: dict[tuple[str, str], Check | None] = {}

    def compile(self) -> Check:
        return self.node(self.entry, self.entry_uri)

    def node(self, schema: Any, base: str) -> Check:
        if schema is True:
            return _yes
        if schema is False:
            return _no
        if not isinstance(schema, dict):
            raise Unsupported(f"a schema of type {type(schema).__name__}")
        if "$id" in schema and self.resources.get(base) is not schema:
            raise Unsupported("a nested $id")
        checks: list[tuple[int, Check]] = []
        for keyword, value in schema.items():
            if keyword in UNSUPPORTED:
                raise Unsupported(keyword)
            build = KEYWORDS.get(keyword)
            if build is not None:
                checks.append((ORDER.get(keyword, 1), build(self, value, schema, base)))
        checks.sort(key=lambda c: c[0])
        return _all([c for _, c in checks])

    # ----------------------------------------------------------------- references

    def ref(self, ref: Any, base: str) -> Check:
        if not isinstance(ref, str):
            raise Unsupported("a $ref that is not a string")
        if ref.startswith("#"):
            uri, fragment = base, ref[1:]
        else:
            uri, fragment = urldefrag(urljoin(base, ref))
        return self._target(uri, fragment)

    def dynamic_ref(self, ref: Any, base: str) -> Check:
        """`$dynamicRef: "#name"`: like jsonschema, the outermost resource in the dynamic scope with
        that `$dynamicAnchor`. The entry is always in that scope, so when it has the anchor, it is
        the answer; anything else is not compiled."""
        if not isinstance(ref, str) or not ref.startswith("#") or ref.startswith("#/"):
            raise Unsupported("a $dynamicRef that is not a plain anchor")
        name = ref[1:]
        here = self.resources.get(base)
        entry = self.entry
        if not (isinstance(here, dict) and here.get("$dynamicAnchor") == name and self.entry_uri
                and isinstance(entry, dict) and entry.get("$dynamicAnchor") == name):
            raise Unsupported("a $dynamicRef this compiler cannot resolve statically")
        return self._target(self.entry_uri, "")

    def _target(self, uri: str, fragment: str) -> Check:
        key = (uri, fragment)
        if key not in self.targets:
            self.targets[key] = None        # a reference back to here, while compiling, is late-bound
            schema = self._lookup(uri, fragment)
            self.targets[key] = self.node(schema, uri)
        found = self.targets[key]
        if found is not None:
            return found
        targets = self.targets
        return lambda x: targets[key](x)    # type: ignore[misc]

    def _lookup(self, uri: str, fragment: str) -> Any:
        resource = self.resources.get(uri)
        if resource is None:
            raise Unsupported(f"a $ref to {uri or 'the entry'} that is not known")
        if not fragment:
            return resource
        if not fragment.startswith("/"):
            if isinstance(resource, dict) and (resource.get("$anchor") == fragment):
                return resource
            raise Unsupported(f"the anchor #{fragment}")
        node = resource
        for part in fragment[1:].split("/"):
            part = unquote(part).replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                raise Unsupported(f"the pointer #{fragment}")
            if isinstance(node, dict) and "$id" in node:
                raise Unsupported("a pointer into a nested resource")
        return node


def _uri(schema: Any) -> str:
    """The URI a schema resource is known by ("" without `$id`), as jsonschema keys it."""
    found = schema.get("$id", "") if isinstance(schema, dict) else ""
    if not isinstance(found, str):
        raise Unsupported("an $id that is not a string")
    return urldefrag(found)[0]


def compile_schema(schema: Any, documents: list[Any] = ()) -> Check | None:
    """A yes/no check for `schema`, or None when it uses something not compiled here."""
    try:
        return Compiler(schema, documents).compile()
    except (Unsupported, RecursionError):
        return None


def compile_metaschema() -> Check | None:
    """The Draft 2020-12 metaschema, read from the files jsonschema itself uses (found without
    importing it); None when they cannot be found or compiled."""
    import importlib.util
    import json
    from pathlib import Path

    try:
        spec = importlib.util.find_spec("jsonschema_specifications")
        folder = Path(next(iter(spec.submodule_search_locations))) / "schemas" / "draft202012"
        entry = json.loads((folder / "metaschema.json").read_text(encoding="utf-8"))
        vocabularies = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((folder / "vocabularies").iterdir())
                        if p.is_file()]
    except (AttributeError, TypeError, StopIteration, OSError, ValueError):
        return None
    return compile_schema(entry, vocabularies)
