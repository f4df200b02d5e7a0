"""Reading a user's YAML once, keeping every node's line and column for diagnostics.

ruamel.yaml's round-trip loader keeps positions on every mapping and sequence, so a schema error
found on plain data can be pointed back at `file:line:col`. Everything that can go wrong while
reading (size, encoding, tabs, syntax, duplicate keys, top level) becomes a `Diagnostic`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zot.diagnostics import Diagnostic

MAX_BYTES = 1024 * 1024
MAX_FLOW_DEPTH = 200  # deeper than this, the parser would run out of stack anyway
MAX_NODES = 200_000   # mappings, lists and values once aliases are expanded (an alias bomb has billions)
MAX_DEPTH = 100       # nesting of mappings and lists (a manifest needs about fifteen)
PathKey = tuple[str | int, ...]


@dataclass
class Document:
    """A parsed YAML file: `plain` is the data; `data` the ruamel nodes with their positions.

    Files are read with libyaml (fast) into `plain`; the slower round-trip parse that knows every
    node's line and column runs only when something asks for a position (a diagnostic) or for
    the nodes themselves (an edit that keeps comments). A clean file never pays for it.
    """

    path: Path
    text: str = ""
    _data: Any = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _plain: Any = None
    _lazy: bool = False
    _nodes: Any = None

    @property
    def data(self) -> Any:
        if self._lazy:
            self._lazy = False
            try:
                self._data = _yaml().load(self.text)
            except Exception:  # the fast parse accepted it; positions are a nicety
                self._data = None
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self._data, self._lazy = value, False

    @property
    def plain(self) -> Any:
        if self._plain is None and self.data is not None:
            self._plain = to_plain(self.data)
        return self._plain

    @property
    def display(self) -> str:
        shown = self.__dict__.get("_display")
        if shown is None:
            shown = self.__dict__["_display"] = display_path(self.path)
        return shown

    def position(self, keypath: PathKey, at_key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the node at `keypath` (of its key when `at_key`)."""
        nodes = self.nodes()
        if nodes is not None:
            return locate_node(nodes, keypath, at_key)
        return locate(self.data, keypath, at_key)

    def nodes(self) -> Any:
        """The libyaml node tree (with marks): positions without the slow round-trip parse."""
        if self._nodes is None and self._lazy and self.text:
            try:
                self._nodes = _fast_compose(self.text)
            except Exception:
                self._nodes = False
        return self._nodes or None

    def scalar_style(self, keypath: PathKey) -> str | None:
        """`|` or `>` for a block scalar (templates in it start on the next line), else None."""
        node = _walk_node(self.nodes(), keypath) if self.nodes() is not None else None
        if node is not None:
            return getattr(node, "style", None)
        from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

        value: Any = self.data
        for key in keypath:
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                return None
        if isinstance(value, LiteralScalarString):
            return "|"
        return ">" if isinstance(value, FoldedScalarString) else None

    def diag(self, keypath: PathKey, code: str, message: str, hint: str = "",
             severity: str = "error", at_key: bool = False) -> Diagnostic:
        line, col = self.position(keypath, at_key)
        return Diagnostic(self.display, line, col, severity, code, message, hint, tuple(keypath))


def display_path(path: Path) -> str:
    """Paths relative to the cwd when below it: what a user would type."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def locate(data: Any, keypath: PathKey, at_key: bool = False) -> tuple[int, int]:
    """Walk `keypath` through ruamel nodes; fall back to the deepest node that has a position."""
    node = data
    best = (1, 1)
    for i, key in enumerate(keypath):
        last = i == len(keypath) - 1
        lc = getattr(node, "lc", None)
        try:
            if isinstance(node, dict) and key in node:
                if lc is not None:
                    pos = lc.key(key) if (at_key and last) else lc.value(key)
                    if pos is not None and pos[0] is not None:
                        best = (pos[0] + 1, pos[1] + 1)
                    elif lc.key(key) is not None:
                        best = (lc.key(key)[0] + 1, lc.key(key)[1] + 1)
                node = node[key]
            elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
                if lc is not None:
                    pos = lc.item(key)
                    if pos is not None:
                        best = (pos[0] + 1, pos[1] + 1)
                node = node[key]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    else:
        if not keypath:
            lc = getattr(node, "lc", None)
            if lc is not None and getattr(lc, "line", None) is not None:
                best = (lc.line + 1, lc.col + 1)
    return best


def _yaml():
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


_FAST = None


def _fast_load(text: str) -> Any:
    """libyaml through ruamel.yaml.clib: about eight times faster than the round-trip parser."""
    global _FAST
    if _FAST is None:
        from ruamel.yaml import YAML

        _FAST = YAML(typ="safe", pure=False)
        _FAST.allow_duplicate_keys = False
        _FAST.Resolver = _one_version_resolver()
    return _FAST.load(text)


def _one_version_resolver() -> Any:
    """ruamel's resolver asks which YAML version applies, and for its rules, once per scalar, and
    under libyaml each answer costs two failed attribute lookups (a quarter of the load). Within
    one load the answer cannot change (the libyaml loader never records a `%YAML` directive), so
    it is asked once."""
    from ruamel.yaml.resolver import VersionedResolver

    class OneVersionResolver(VersionedResolver):
        @property
        def processing_version(self) -> Any:
            found = self.__dict__.get("_version_once")
            if found is None:
                found = self.__dict__["_version_once"] = VersionedResolver.processing_version.fget(self)
            return found

        @property
        def versioned_resolver(self) -> Any:     # the rules of that one version: the same dict each time
            found = self.__dict__.get("_rules_once")
            if found is None:
                found = self.__dict__["_rules_once"] = VersionedResolver.versioned_resolver.fget(self)
            return found

    return OneVersionResolver


def _fast_compose(text: str) -> Any:
    _fast_load("")  # makes sure the libyaml loader exists
    return _FAST.compose(text)


def _pair(node: Any, key: str | int) -> tuple[Any, Any] | None:
    for k, v in getattr(node, "value", ()):
        if getattr(k, "value", None) == str(key):
            return k, v
    return None


def _walk_node(node: Any, keypath: PathKey) -> Any:
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    for key in keypath:
        if isinstance(node, MappingNode):
            pair = _pair(node, key)
            if pair is None:
                return None
            node = pair[1]
        elif isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
        else:
            return None
    return node


def locate_node(root: Any, keypath: PathKey, at_key: bool = False) -> tuple[int, int]:
    """Like `locate`, over libyaml nodes: the deepest node of `keypath` that exists."""
    from ruamel.yaml.nodes import MappingNode, SequenceNode

    node = root
    best = (node.start_mark.line + 1, node.start_mark.column + 1)
    for i, key in enumerate(keypath):
        last = i == len(keypath) - 1
        if isinstance(node, MappingNode):
            pair = _pair(node, key)
            if pair is None:
                break
            mark = (pair[0] if (at_key and last) else pair[1]).start_mark
            node = pair[1]
        elif isinstance(node, SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
            mark = node.start_mark
        else:
            break
        best = (mark.line + 1, mark.column + 1)
    return best


def _decode(path: Path, raw: bytes, diags: list[Diagnostic]) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        diags.append(Diagnostic(display_path(path), line, col, "error", "encoding",
                                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                                "save the file as UTF-8"))
        return None


def _find_tab(text: str) -> tuple[int, int] | None:
    """A tab in indentation is a YAML error whose parser message is cryptic; find it first."""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            return number, len(line) - len(stripped) + 1
    return None


def _mark(exc: Exception) -> tuple[int, int]:
    """Where to point: the problem, unless the file simply ended (then where the construct began)."""
    order = ("problem_mark", "context_mark")
    problem = str(getattr(exc, "problem", "") or "")
    if "end of stream" in problem or "<stream end>" in problem:
        order = ("context_mark", "problem_mark")
    for attr in order:
        mark = getattr(exc, attr, None)
        if mark is not None:
            return mark.line + 1, mark.column + 1
    return 1, 1


FLOW = {"flow mapping": ("{", "}"), "flow sequence": ("[", "]")}


def _flow_diag(path: Path, exc: Exception, lines: list[str]) -> Diagnostic | None:
    """An unclosed or unseparated `{...}` / `[...]`: point at the opening bracket when it began a
    one-line collection that runs on past its line (the missing closer belongs there)."""
    context = str(getattr(exc, "context", "") or "")
    kind = next((k for k in FLOW if k in context), None)
    start, problem_mark = getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)
    if kind is None or start is None:
        return None
    opening, closing = FLOW[kind]
    opening_line = lines[start.line] if start.line < len(lines) else ""
    one_line = opening_line[start.column + 1:].strip() != ""
    if problem_mark is not None and problem_mark.line > start.line and one_line:
        return Diagnostic(display_path(path), start.line + 1, start.column + 1, "error", "yaml-syntax",
                          f"YAML syntax error: the `{opening}` that starts here is not closed on its line",
                          f"add the closing `{closing}` at the end of line {start.line + 1}")
    return None


def _indented_deeper(lines: list[str], line: int) -> str | None:
    """The `key:` of the line above when `line` (1-based) is indented deeper than that key's value."""
    if not 1 < line <= len(lines):
        return None
    here = lines[line - 1]
    indent = len(here) - len(here.lstrip(" "))
    for above in reversed(lines[: line - 1]):
        stripped = above.strip()
        if not stripped or stripped.startswith("#"):
            continue
        above_indent = len(above) - len(above.lstrip(" "))
        key, sep, value = stripped.lstrip("- ").partition(": ")
        if indent > above_indent and sep and value.strip() and not value.strip().startswith("#"):
            return key
        return None
    return None


def _first_key_line(text: str, exc: Exception) -> int | None:
    """1-based line of the first occurrence of a duplicated key (ruamel only marks the mapping)."""
    mapping_mark, dup_mark = getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)
    if mapping_mark is None or dup_mark is None:
        return None
    try:
        stack = [_yaml().compose(text)]
    except Exception:
        return None
    while stack:
        node = stack.pop()
        if node is None or not isinstance(node.value, list):
            continue
        pairs = node.value if node.id == "mapping" else []
        if node.id == "mapping" and node.start_mark.index == mapping_mark.index:
            keys = [k for k, _ in pairs]
            dup = next((k for k in keys if k.start_mark.index == dup_mark.index), None)
            for key in keys:
                if dup is not None and key is not dup and key.id == dup.id and key.value == dup.value:
                    return key.start_mark.line + 1
            return None
        stack.extend(n for pair in pairs for n in pair)
        if node.id == "sequence":
            stack.extend(node.value)
    return None


def _syntax_diag(path: Path, exc: Exception, text: str = "") -> Diagnostic:
    from ruamel.yaml.constructor import DuplicateKeyError

    lines = text.splitlines()
    flow = _flow_diag(path, exc, lines)
    if flow is not None:
        return flow
    line, col = _mark(exc)
    if isinstance(exc, DuplicateKeyError):
        first = _first_key_line(text, exc)
        where = f" (first defined on line {first})" if first is not None else ""
        problem = (getattr(exc, "problem", "") or "").strip()
        key = problem.split('"')[1] if problem.count('"') >= 2 else problem
        return Diagnostic(display_path(path), line, col, "error", "duplicate-key",
                          f"duplicate key `{key}`{where}",
                          "each key may appear once in a mapping: remove or rename one of them")
    problem = (getattr(exc, "problem", None) or str(exc).splitlines()[0]).strip()
    context = (getattr(exc, "context", None) or "").strip()
    message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    hint = "check the indentation and quoting on this line and the one before it"
    deeper = _indented_deeper(lines, line) if "mapping values are not allowed" in problem else None
    if "unknown escape character" in problem:
        escape = problem.rsplit("'", 2)[-2] if problem.count("'") >= 2 else ""
        message = f"YAML syntax error: `\\{escape}` is not an escape YAML knows inside double quotes"
        hint = ("YAML reads backslashes in double quotes as escapes: use single quotes so they stay as "
                "written (a regex like '\\d+' or '\\bword\\b')")
        col = max(col - 1, 1)     # at the backslash
    elif "quoted scalar" in context:
        hint = "the quote that starts here is never closed: add the closing quote"
    elif deeper is not None:
        hint = (f"this line is indented deeper than `{deeper}:` above, so YAML reads it as part of that "
                f"value: line it up with `{deeper}:`, or quote the value if it is meant to contain `: `")
    elif "mapping values are not allowed" in problem:
        hint = "a value that contains `: ` must be quoted, e.g. reason: \"why: because\""
    elif problem.startswith("expected <block end>"):
        message = "YAML syntax error: this line's indentation does not line up with the keys above it"
        hint = "indent it exactly as far as the keys it belongs with (spaces only)"
    elif any(k in context for k in FLOW):
        opening, closing = FLOW[next(k for k in FLOW if k in context)]
        hint = f"inside `{opening}...{closing}` separate items with `,` and close with `{closing}`; " \
               "quote values that contain `:` or `,`"
    elif "could not find expected ':'" in problem:
        hint = "each key needs a colon after it, e.g. `name: value`"
    elif "found character '@'" in problem or "found character '`'" in problem:
        hint = "values starting with @ or ` must be quoted"
    return Diagnostic(display_path(path), line, col, "error", "yaml-syntax", message, hint)


def _flow_depth(text: str) -> int:
    """The deepest nesting of `[` and `{` (quotes ignored: a rough bound, only used to refuse)."""
    depth = deepest = 0
    for char in re.sub(r"[^\[\]{}]+", "", text):
        depth = depth + 1 if char in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def _children(node: Any) -> Any:
    return node.values() if isinstance(node, dict) else node


def bounds_problem(data: Any) -> str | None:
    """Why parsed YAML is too big to use, counting an aliased node every time it is used (as
    copying it to plain data would), or None. Shared nodes are measured once, so this is linear
    in the file however many times its aliases multiply; a node that contains itself is refused."""
    measured: dict[int, tuple[int, int]] = {}      # id -> (expanded size, depth)
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            size, depth = 1, 0
            for child in _children(node):
                child_size, child_depth = measured.get(id(child), (1, 0)) if isinstance(child, (dict, list)) \
                    else (1, 0)
                size, depth = size + child_size, max(depth, child_depth)
            if size > MAX_NODES:
                return f"its aliases expand to more than {MAX_NODES:,} values"
            if depth + 1 > MAX_DEPTH:
                return f"it nests mappings and lists more than {MAX_DEPTH} deep"
            measured[key] = (size, depth + 1)
            continue
        if key in measured:
            continue
        if key in on_path:
            return "an alias refers to a node that contains it"
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node)
                     if isinstance(child, (dict, list)) and id(child) not in measured)
    return None


_ALIAS = re.compile(r"(?<![\w\\])[&*][A-Za-z0-9_.-]+")


def _bounds_diag(path: Path, text: str, problem: str) -> Diagnostic:
    """Points at the first anchor or alias (the usual cause), else the top of the file."""
    line, col = 1, 1
    for number, raw in enumerate(text.splitlines(), 1):
        found = _ALIAS.search(raw)
        if found and not raw.lstrip().startswith("#"):
            line, col = number, found.start() + 1
            break
    return Diagnostic(display_path(path), line, col, "error", "too-large",
                      f"the file cannot be read safely: {problem}",
                      "write the values out instead of repeating anchors (`&name`) through aliases (`*name`), "
                      "and flatten deep nesting")


def _first_content(text: str) -> tuple[int, int]:
    """1-based position of the first character that is not blank, a comment or `---`."""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and stripped != "---":
            return number, len(line) - len(line.lstrip()) + 1
    return 1, 1


def load_document(path: Path) -> Document:
    """Parse `path`; on any problem the document has diagnostics and `data` may be None."""
    doc = Document(path)
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        doc.diagnostics.append(Diagnostic(shown, 0, 0, "error", "unreadable",
                                          f"cannot read the file: {exc.strerror or exc}",
                                          "check that the path exists and is readable"))
        return doc
    if len(raw) > MAX_BYTES:
        doc.diagnostics.append(Diagnostic(shown, 1, 1, "error", "file-too-large",
                                          f"the file is {len(raw):,} bytes; the limit is {MAX_BYTES:,}",
                                          "split it into several extensions, or move data into files the "
                                          "extension reads"))
        return doc
    text = _decode(path, raw, doc.diagnostics)
    if text is None:
        return doc
    doc.text = text
    tab = _find_tab(text)
    if tab is not None:
        doc.diagnostics.append(Diagnostic(shown, tab[0], tab[1], "error", "yaml-tab",
                                          "a tab is used for indentation; YAML allows only spaces",
                                          "replace the tab with spaces"))
        return doc
    too_deep = Diagnostic(shown, 1, 1, "error", "too-deep", "the file nests lists or mappings too deeply to read",
                          "flatten the structure")
    if _flow_depth(text) > MAX_FLOW_DEPTH:  # ruamel's scanner is quadratic in `[`/`{` depth: refuse early
        doc.diagnostics.append(too_deep)
        return doc
    try:
        fast = _fast_load(text)
    except Exception:  # any problem: the round-trip parser below says where, precisely
        fast = None
    if isinstance(fast, (dict, list)):
        problem = bounds_problem(fast)
        if problem:
            doc.diagnostics.append(_bounds_diag(path, text, problem))
            return doc
    if isinstance(fast, dict) and fast:
        doc._plain, doc._lazy = to_plain(fast), True
        return doc
    try:
        doc.data = _yaml().load(text)
    except RecursionError:
        doc.diagnostics.append(too_deep)
        return doc
    except Exception as exc:  # ruamel raises many error types; all are the user's syntax
        doc.diagnostics.append(_syntax_diag(path, exc, text))
        doc.data = None
        return doc
    problem = bounds_problem(doc.data) if isinstance(doc.data, (dict, list)) else None
    if problem:
        doc.diagnostics.append(_bounds_diag(path, text, problem))
        doc.data = None
        return doc
    if doc.data is None:
        doc.diagnostics.append(Diagnostic(shown, 1, 1, "error", "empty", "the file is empty",
                                          "start with `schema: zot/extension/v1`, or run `zot ext new NAME`"))
    elif not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        line, col = _first_content(text)
        doc.diagnostics.append(Diagnostic(shown, line, col, "error", "not-a-mapping",
                                          f"the top level is {kind}; it must be a mapping of keys",
                                          "write `key: value` lines at the top level, e.g. `name: my-ext`"))
        doc.data = None
    return doc


def to_plain(node: Any) -> Any:
    """ruamel nodes to plain dicts, lists and scalars, for jsonschema and the engine."""
    if isinstance(node, dict):
        return {str(k) if not isinstance(k, (str, int, float, bool)) or k is None else k: to_plain(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def load_plain_mapping(path: Path) -> dict:
    """A settings-like file as plain data; a problem raises a UserError naming file:line:col."""
    from zot.config import UserError
    from zot.diagnostics import format_text

    doc = load_document(path)
    problems = [d for d in doc.diagnostics if d.code != "empty"]  # an empty settings file is fine
    if problems:
        first = problems[0]
        raise UserError(format_text(first, doc.text))
    return doc.plain or {}


def dump_roundtrip(data: Any, path: Path) -> None:
    """Write ruamel data back, keeping comments and order (settings edits)."""
    yaml = _yaml()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096     # a long URL stays on its line
    tmp = path.with_suffix(path.suffix + ".tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("w", encoding="utf-8") as fh:
        yaml.dump(data, fh)
    tmp.replace(path)
