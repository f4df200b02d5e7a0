"""Parameter expansion: ``$x``, ``${x:-w}``, ``${a[@]}``, ``"$@"``, ``${x@P}`` and the rest.

``expansion_results(node, host, quoted)`` gives every value an expansion node may produce (see
``expand.Result``). Known values are computed as bash does for the common operators (defaults
``:-``/``-``/``:=``/``:+``/``:?``, length, ``#``/``##``/``%``/``%%`` removal, ``/`` replacement,
case changes, substrings with literal bounds, ``@Q``/``@E``/``@U``/``@L``, indirection through a
known name); anything else on a known value, and every operator on an unknown one, gives a hole
of the value's kind (``ANY`` when the result could be anything). ``${x@P}`` expands the value as
a prompt, which runs the substitutions in it: the host is told (``prompt_code``).
"""
from __future__ import annotations

import fnmatch
import re

from tree_sitter import Node

from .expand import Fields, Host, Result, Scalar, expand_one
from .state import Val, any_val
from .value import ANY, ENV, FRESH, LITERAL, NAME, RANK, hole, join_words, known, make_word, parts_of, sources_of
from .words import decode_ansi_c, text_of

_NUMBERS = frozenset({"?", "$", "!", "-", "_", "RANDOM", "SRANDOM", "LINENO", "SECONDS", "BASHPID",
                      "PPID", "UID", "EUID", "EPOCHSECONDS", "EPOCHREALTIME", "BASH_SUBSHELL"})
_SUBJECTS = frozenset({"variable_name", "special_variable_name", "subscript"})
MAX_PATTERN_TEXT = 4096


def expansion_results(node: Node, host: Host, quoted: bool) -> list[Result]:
    kind = node.type
    if kind == "command_substitution":
        return [Scalar(host.substitute(node))]
    if kind == "process_substitution":
        return [Scalar(host.process_sub(node))]
    if kind == "arithmetic_expansion":
        host.visit_inside(node)
        return [Scalar(hole(text_of(node, host.src), NAME))]
    if kind == "simple_expansion":
        names = [c for c in node.named_children if c.type in _SUBJECTS]
        if not names:
            return [Scalar(text_of(node, host.src))]       # a lone `$`
        return _plain(text_of(names[0], host.src), None, host, quoted, text_of(node, host.src))
    return _braced(node, host, quoted)


# ---------------------------------------------------------------------------- values


def _values(name: str, index: str | None, host: Host, text: str) -> list[Val]:
    """Every value ``name`` (or ``name[index]``) may hold, as Vals."""
    state = host.state
    if name in ("@", "*"):
        if state.positional is None:
            return [any_val(name)]
        return [Val(tuple(p), array=True) for p in state.positional]
    if name == "#":
        if state.positional is None:
            return [Val((hole(text, NAME),))]
        return [Val((str(len(p)),)) for p in state.positional]
    if name.isdigit() and int(name) == 0:
        return [Val((state.zero,))]
    if name.isdigit():
        if state.positional is None:
            return [any_val(name)]
        n = int(name)
        return [Val((p[n - 1] if n <= len(p) else "",)) for p in state.positional]
    if name in _NUMBERS:
        return [Val((hole(text, NAME),))]
    if name not in state.vars and name != "IFS":      # the environment's: written as it was
        return [Val((hole(text if index is None else "${" + name + "}", ENV),))]
    values = state.lookup(name)
    if index is None:
        return list(values)
    out: list[Val] = []
    for val in values:
        if not val.array and not known(val.scalar):
            out.append(val if index in ("@", "*") else Val((val.scalar,)))
        elif index in ("@", "*"):
            out.append(Val(val.items, array=True))
        elif index.isdigit():
            i = int(index)
            out.append(Val((val.items[i] if i < len(val.items) else "",)))
        else:
            out.extend(Val((item,)) for item in val.items)    # an index nobody knows: any item
    return out or [Val(("",))]


def _results(values: list[Val], name: str, quoted: bool, host: Host) -> list[Result]:
    out: list[Result] = []
    for val in values:
        if val.array:
            if name in ("*",) or (quoted and name.endswith("*")):
                ifs = host.state.ifs() or " "
                out.append(Scalar(join_words(list(val.items), ifs[:1])) if quoted
                           else Fields(val.items))
            else:
                out.append(Fields(val.items))
        else:
            out.append(Scalar(val.scalar))
    return _unique(out)


def _unique(results: list[Result]) -> list[Result]:
    seen: list[Result] = []
    for r in results:
        if r not in seen:
            seen.append(r)
    return seen or [Scalar("")]


def _plain(name: str, index: str | None, host: Host, quoted: bool, text: str) -> list[Result]:
    values = _values(name, index, host, text)
    if index is None and name not in ("@", "*"):
        values = [Val((v.scalar,)) if v.array else v for v in values]
    label = name if index is None else f"{name}[{index}]"
    if index in ("@", "*"):
        label = "@" if index == "@" else "*"
    return _results(values, label, quoted, host)


# ---------------------------------------------------------------------------- ${...}


def _braced(node: Node, host: Host, quoted: bool) -> list[Result]:
    src = host.src
    text = text_of(node, src)
    children = [c for c in node.children if c.type not in ("${", "}")]
    prefix = ""
    if children and not children[0].is_named and children[0].type in ("#", "!"):
        prefix = children[0].type
        children = children[1:]
    subject = children[0] if children and children[0].type in _SUBJECTS else None
    if subject is None:
        if prefix == "#" and not children:        # ${#}: the number of arguments
            return _plain("#", None, host, quoted, text)
        return [Scalar(hole(text, ANY, frozenset({"$"})))]
    rest = children[1:]
    name, index = _subject(subject, host)
    if prefix == "!":
        return _indirect(name, index, rest, host, quoted, text)
    values = _values(name, index, host, text)
    if prefix == "#":
        return _unique([Scalar(_length(v, index, text)) for v in values])
    if not rest:
        return _plain(name, index, host, quoted, text)
    op = rest[0].type if not rest[0].is_named else ""
    operands = rest[1:]
    if index is None and name not in ("@", "*"):
        values = [Val((v.scalar,)) if v.array else v for v in values]
    out: list[Result] = []
    for val in values:
        out.extend(_operate(op, val, operands, name, host, quoted, text))
    return _unique(out)


def _subject(node: Node, host: Host) -> tuple[str, str | None]:
    if node.type != "subscript":
        return text_of(node, host.src), None
    name = node.child_by_field_name("name") or node.named_children[0]
    index_node = node.child_by_field_name("index")
    if index_node is None and node.named_child_count > 1:
        index_node = node.named_children[1]
    index = text_of(index_node, host.src) if index_node is not None else "0"
    if index_node is not None and index_node.type not in ("word", "number"):
        index = "?"                               # computed index: any item
    return text_of(name, host.src), index


def _length(val: Val, index: str | None, text: str) -> str:
    if val.array and index in ("@", "*"):
        return str(len(val.items))
    word = val.scalar
    return str(len(word)) if known(word) else hole(text, NAME)


def _indirect(name: str, index: str | None, rest: list[Node], host: Host, quoted: bool,
              text: str) -> list[Result]:
    if rest or index is not None:                 # ${!prefix*}, ${!a[@]}: names and keys
        return [Scalar(hole(text, NAME))]
    out: list[Result] = []
    for val in _values(name, None, host, text):
        target = val.scalar
        if known(target) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!]", target):
            out.extend(_plain(target, None, host, quoted, text))
        else:
            out.append(Scalar(hole(text, ANY, sources_of(target) or frozenset({"$"}))))
    return _unique(out)


def _operand(nodes: list[Node], host: Host) -> list[str]:
    """The values of the word after an operator (not split here: that happens once the whole
    expansion is known)."""
    if not nodes:
        return [""]
    words = [""]
    for node in nodes:
        if not node.is_named:
            words = [w + node.type for w in words] if node.type not in (":",) else words
            continue
        values = expand_one(node, host)
        words = [join_words([w, v], "") for w in words for v in values][:8]
    return words


def _operate(op: str, val: Val, operands: list[Node], name: str, host: Host, quoted: bool,
             text: str) -> list[Result]:
    word = val.scalar
    unknown = not known(word)
    maybe_null = unknown and _kind(word) in (ENV, ANY)
    is_null = known(word) and word == ""
    if op in (":-", "-", ":=", "="):
        alts = _operand(operands, host)
        if op in (":=", "=") and name not in ("@", "*") and not name.isdigit():
            keep = (val,) if (maybe_null or not is_null) else ()
            host.state.assign(name, keep + tuple(Val((a,)) for a in alts))
        if is_null:
            return [Scalar(a) for a in alts]
        return [Scalar(word)] + ([Scalar(a) for a in alts] if maybe_null else [])
    if op in (":+", "+"):
        alts = _operand(operands, host)
        if is_null:
            return [Scalar("")]
        return [Scalar(a) for a in alts] + ([Scalar("")] if maybe_null else [])
    if op in (":?", "?"):
        return [Scalar(word)]
    if unknown:
        if op == "@" and any(n.type == "P" or text_of(n, host.src) == "P" for n in operands):
            host.prompt_code(word, operands[0])
        kind = _kind(word)          # a trusted value stays trusted once trimmed or changed,
        if kind == FRESH:           # but a fresh folder's parent is no fresh folder
            kind = ANY
        return [Scalar(hole(text, kind, sources_of(word) or frozenset({"$"})))]
    return [Scalar(v) for v in _transform(op, word, operands, host, text)]


def _kind(word: str) -> str:
    return max((k for _, k in parts_of(word)), key=RANK.__getitem__, default=LITERAL)


def _transform(op: str, value: str, operands: list[Node], host: Host, text: str) -> list[str]:
    """An operator on a known value."""
    if op in ("#", "##", "%", "%%", "/", "//", "/#", "/%", ",", ",,", "^", "^^"):
        pattern_nodes = [n for n in operands if n.is_named][:1]
        pattern = text_of(pattern_nodes[0], host.src) if pattern_nodes else ""
        if "$" in pattern or "`" in pattern or len(value) > MAX_PATTERN_TEXT:
            return [hole(text, ANY, frozenset({"$"}))]
        if op in (",", ",,", "^", "^^"):
            if pattern not in ("", "?", "*"):
                return [hole(text, ANY, frozenset({"$"}))]
            change = str.upper if op.startswith("^") else str.lower
            return [change(value) if len(op) == 2 else change(value[:1]) + value[1:]]
        if op.startswith("/"):
            reps = _operand([n for n in operands if n.is_named][1:], host)
            return [_replace(op, value, pattern, r) for r in reps]
        return [_remove(op, value, pattern)]
    if op == ":":
        numbers = [text_of(n, host.src) for n in operands if n.is_named]
        if not numbers or not all(re.fullmatch(r"-?\d+", n.strip()) for n in numbers):
            return [hole(text, ANY, frozenset({"$"}))]
        start = int(numbers[0])
        if start < 0:
            start = max(len(value) + start, 0)
        if len(numbers) > 1:
            length = int(numbers[1])
            end = start + length if length >= 0 else len(value) + length
            return [value[start:end]]
        return [value[start:]]
    if op == "@":
        mode = "".join(n.type if not n.is_named else text_of(n, host.src) for n in operands)
        if mode == "P":
            host.prompt_code(value, operands[0] if operands else None)
            return [hole(text, ANY, sources_of(value) or frozenset({"$"}))]
        return [{"Q": "'" + value.replace("'", "'\\''") + "'", "E": decode_ansi_c(value),
                 "U": value.upper(), "L": value.lower(),
                 "u": value[:1].upper() + value[1:]}.get(mode, hole(text, NAME))]
    return [hole(text, ANY, frozenset({"$"}))]


def _glob_regex(pattern: str) -> str:
    return fnmatch.translate(pattern)[4:-3]          # strip (?s: ... )\Z


def _remove(op: str, value: str, pattern: str) -> str:
    regex = re.compile(_glob_regex(pattern), re.S)
    cuts = range(len(value) + 1)
    if op in ("#", "##"):
        order = reversed(cuts) if op == "##" else cuts
        for i in order:
            if regex.fullmatch(value[:i]):
                return value[i:]
        return value
    order = cuts if op == "%%" else reversed(cuts)
    for i in order:
        if regex.fullmatch(value[i:]):
            return value[:i]
    return value


def _replace(op: str, value: str, pattern: str, rep: str) -> str:
    if not known(rep):
        return make_word([(value, LITERAL)]) if not pattern else hole(rep, ANY, sources_of(rep))
    body = _glob_regex(pattern) or "(?!)"
    if op == "/#":
        body = "^(?:" + body + ")"
    elif op == "/%":
        body = "(?:" + body + ")$"
    try:
        return re.sub(body, lambda _: rep, value, count=0 if op == "//" else 1, flags=re.S)
    except re.error:
        return hole(value, ANY, frozenset({"$"}))
