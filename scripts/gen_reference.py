"""Generate docs/reference.md from the schemas in schemas/ (extension, recipe, lock, theme).

    python scripts/gen_reference.py           # write docs/reference.md
    python scripts/gen_reference.py --check   # exit 1 if docs/reference.md is out of date

The schemas are the source of truth; this page is never edited by hand. Output depends only on
the schemas (key order included), so it is deterministic. Standard library only.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "docs" / "reference.md"
SCHEMAS = (
    ("extension", "Extension manifest", "extension.yaml", REPO / "schemas" / "extension.schema.json"),
    ("recipe", "Recipe pack", "recipe.yaml", REPO / "schemas" / "recipe.schema.json"),
    ("lock", "Lock file", "zot.lock", REPO / "schemas" / "lock.schema.json"),
    ("theme", "Theme", "themes/NAME.yaml", REPO / "schemas" / "theme.schema.json"),
)
STALE = "docs/reference.md is stale: run python scripts/gen_reference.py"


# ---------------------------------------------------------------- small formatting helpers


def code(value: str) -> str:
    """Inline code that survives backticks in the value."""
    fence = "``" if "`" in value else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def literal(value) -> str:
    return code(json.dumps(value, ensure_ascii=False))


def cell(text: str) -> str:
    return text.replace("\n", " ").replace("|", "\\|")


def or_list(items: list[str], word: str = "or") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]


def keys(names) -> list[str]:
    return [code(n) for n in names]


def are(items: list[str], what: str) -> str:
    verb = "is" if len(items) == 1 else "are"
    return f"{or_list(items, 'and')} {verb} {what}"


# ---------------------------------------------------------------- the renderer


class Renderer:
    """Renders one schema; `anchors` maps `#/$defs/NAME` of this schema to (anchor, title)."""

    def __init__(self, prefix: str, schema: dict, anchors: dict[str, tuple[str, str]]):
        self.prefix = prefix
        self.schema = schema
        self.anchors = anchors

    def link(self, ref: str) -> str:
        anchor, title = self.anchors[ref]
        return f"[{title}](#{anchor})"

    # -- types

    def type_of(self, s) -> str:
        if s is True or s == {}:
            return "any"
        if "$ref" in s:
            return self.link(s["$ref"])
        if "const" in s:
            return literal(s["const"])
        if "enum" in s:
            return " | ".join(literal(v) for v in s["enum"])
        types = s.get("type")
        if types is None:
            return "any"
        types = [types] if isinstance(types, str) else types
        return " or ".join(self.one_type(t, s) for t in types)

    def one_type(self, t: str, s: dict) -> str:
        if t == "array" and "prefixItems" in s:      # a fixed-length tuple
            return "[" + ", ".join(self.type_of(p) for p in s["prefixItems"]) + "]"
        if t == "array" and "items" in s:
            return f"list of {self.type_of(s['items'])}"
        if t == "object" and isinstance(s.get("additionalProperties"), dict):
            key = self.type_of(s["propertyNames"]) if "propertyNames" in s else "string"
            return f"map of {key} → {self.type_of(s['additionalProperties'])}"
        if t == "string" and isinstance(s.get("then"), dict) and "$ref" in s["then"]:
            return self.link(s["then"]["$ref"])
        return t

    # -- constraints written as sentences

    def condition(self, cond: dict) -> str:
        if set(cond) == {"required"}:
            return "With " + or_list(keys(cond["required"]), "and")
        if set(cond) == {"not"} and set(cond["not"]) == {"required"}:
            return "Without " + or_list(keys(cond["not"]["required"]), "or")
        (prop, test), = cond["properties"].items()
        negated = "not" in test
        test = test.get("not", test)
        values = [literal(test["const"])] if "const" in test else [literal(v) for v in test["enum"]]
        return f"If {code(prop)} is {'not ' if negated else ''}" + or_list(values)

    def consequence(self, s: dict) -> str:
        parts = []
        if "required" in s:
            parts.append(are(keys(s["required"]), "required"))
        if "not" in s and set(s["not"]) == {"required"}:
            parts.append(are(keys(s["not"]["required"]), "not allowed"))
        for sub in s.get("allOf", []):
            parts.append(self.consequence(sub))
        for prop, sub in s.get("properties", {}).items():
            if set(sub) <= {"not", "description"} and sub.get("not") == {}:
                parts.append(f"{code(prop)} is not allowed")
            elif "$ref" in sub:
                parts.append(f"{code(prop)} is {self.link(sub['$ref'])}")
            elif "then" in sub:
                parts.append(f"{code(prop)} must be " + or_list([literal(v) for v in sub["then"]["enum"]]))
        if not parts:
            return code(json.dumps(s, ensure_ascii=False))
        return "; ".join(parts)

    def notes(self, s: dict) -> list[str]:
        out = []
        one_of = s.get("oneOf", [])
        if one_of and all(set(b) == {"required"} and len(b["required"]) == 1 for b in one_of):
            out.append("Exactly one of " + or_list(keys(b["required"][0] for b in one_of)) + ".")
        if s.get("minProperties") == 1:
            out.append("Give at least one field.")
        if "not" in s and set(s["not"]) == {"required"}:
            out.append("Not both " + or_list(keys(s["not"]["required"]), "and") + ".")
        for key, deps in s.get("dependentRequired", {}).items():
            out.append(f"{code(key)} requires " + or_list(keys(deps), "and") + ".")
        for key, sub in s.get("dependentSchemas", {}).items():
            out.append(f"With {code(key)}: " + self.consequence(sub) + ".")
        for rule in s.get("allOf", []):
            text = f"{self.condition(rule['if'])}: {self.consequence(rule['then'])}"
            if "else" in rule:
                text += f"; otherwise {self.consequence(rule['else'])}"
            out.append(text + ".")
        return out

    # -- sections

    def table(self, s: dict, path: str) -> tuple[list[str], list[tuple[str, dict]]]:
        """The field table of an object schema, and the inline objects found in it."""
        rows = [
            "| field | type | required | default | description | examples |",
            "|---|---|---|---|---|---|",
        ]
        nested = []
        required = set(s.get("required", []))
        for name, prop in s.get("properties", {}).items():
            if "properties" in prop and prop.get("type") == "object":
                nested.append((f"{path}.{name}" if path else name, prop))
            description = prop.get("description", "")
            if "pattern" in prop and "$ref" not in prop:
                description += f" Must match {code(prop['pattern'])}."
            default = literal(prop["default"]) if "default" in prop else ""
            examples = "<br>".join(literal(e) for e in prop.get("examples", []))
            row = [code(name), self.type_of(prop), "yes" if name in required else "", default, description, examples]
            rows.append("| " + " | ".join(cell(c) for c in row) + " |")
        return rows, nested

    def object_body(self, s: dict, path: str, level: int) -> list[str]:
        rows, nested = self.table(s, path)
        out = rows + [""]
        notes = self.notes(s)
        if notes:
            out += [f"- {n}" for n in notes] + [""]
        for sub_path, sub in nested:
            out += [f"{'#' * level} {code(sub_path)}", "", sub.get("description", ""), ""]
            out += self.object_body(sub, sub_path, level + 1)
        return out

    def scalar_body(self, s: dict) -> list[str]:
        out = [f"Type: {self.type_of(s)}.", ""]
        if "enum" in s:
            out = ["Values: " + ", ".join(literal(v) for v in s["enum"]) + ".", ""]
        if "pattern" in s:
            out += [f"Pattern: {code(s['pattern'])}.", ""]
        if "maxLength" in s:
            out += [f"At most {s['maxLength']} characters.", ""]
        if s.get("examples"):
            out += ["Examples: " + ", ".join(literal(e) for e in s["examples"]) + ".", ""]
        return out

    def body(self, s: dict, path: str, level: int) -> list[str]:
        if "properties" in s:
            return self.object_body(s, path, level)
        return self.scalar_body(s)

    def top_level(self, title: str, filename: str) -> list[str]:
        s = self.schema
        out = [f'<a id="{self.prefix}"></a>', "", f"## {title} ({code(filename)})", "", s["description"], ""]
        if filename.endswith(".yaml"):
            out += [f"Schema: {code(s['$id'])}. To get completion and hover help in editors, start the file with:", ""]
            out += ["```yaml", f"# yaml-language-server: $schema={s['$id']}", "```", ""]
        else:
            out += [f"Schema: {code(s['$id'])}. zot writes this file; you review and commit it.", ""]
        rows, _ = self.table(s, "")
        out += rows + [""] + [f"- {n}" for n in self.notes(s)]
        out += [""] if self.notes(s) else []
        for name, prop in s["properties"].items():
            out += [f'<a id="{self.prefix}-{name}"></a>', "", f"### {code(name)}", "", prop["description"], ""]
            out += [f"Type: {self.type_of(prop)}." + (" Required." if name in s.get("required", []) else ""), ""]
            if "properties" in prop:
                out += self.object_body(prop, name, 4)
        return out

    def definitions(self, own: list[str]) -> list[str]:
        out = []
        for name in own:
            s = self.schema["$defs"][name]
            anchor, title = self.anchors[f"#/$defs/{name}"]
            out += [f'<a id="{anchor}"></a>', "", f"### {title} ({code(name)})", "", s["description"], ""]
            out += self.body(s, name, 4)
        return out


def render(schemas: list[tuple[str, str, str, dict]]) -> str:
    """The whole page, from (prefix, title, filename, schema) tuples."""
    out = [
        "<!-- Generated by scripts/gen_reference.py from schemas/. Do not edit by hand. -->",
        "",
        "# Reference",
        "",
        "Every field of every file format zot reads, generated from the JSON Schemas in `schemas/`.",
        "Run `zot ext validate` to check a file; an unknown field is always an error.",
        "",
    ]
    out += [f"- [{title}](#{prefix})" for prefix, title, _, _ in schemas] + [""]
    seen: dict[str, tuple[dict, tuple[str, str]]] = {}
    for prefix, title, filename, schema in schemas:
        anchors, own = {}, []
        for name, d in schema.get("$defs", {}).items():
            if name in seen and seen[name][0] == d:
                anchors[f"#/$defs/{name}"] = seen[name][1]
                continue
            anchors[f"#/$defs/{name}"] = (f"{prefix}-def-{name.lower()}", d.get("title", name))
            seen[name] = (d, anchors[f"#/$defs/{name}"])
            own.append(name)
        r = Renderer(prefix, schema, anchors)
        out += r.top_level(title, filename)
        if own:
            out += [f'<a id="{prefix}-definitions"></a>', "", f"## {title}: shared shapes", ""]
            out += r.definitions(own)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def generate() -> str:
    loaded = [(p, t, f, json.loads(path.read_text(encoding="utf-8"))) for p, t, f, path in SCHEMAS]
    return render(loaded)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate docs/reference.md from schemas/.")
    parser.add_argument("--check", action="store_true", help="exit 1 if docs/reference.md is out of date")
    args = parser.parse_args(argv)
    text = generate()
    if args.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else None
        if current != text:
            print(STALE, file=sys.stderr)
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {OUTPUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
