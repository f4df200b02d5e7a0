"""Text to styled fragments: Markdown for the assistant's answers, pygments for code, diffs.

A small line-based Markdown renderer (no extra dependency): headings, fenced code (highlighted
by language), block quotes, lists, rules, and inline code, bold, italic, strike-through and
links. Anything else is shown as written, so nothing the model says is ever lost. Output is a
list of (style, text) fragments ending with a newline, for the printer.
"""
from __future__ import annotations

import re

Fragments = list[tuple[str, str]]

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+#.-]*)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BULLET = re.compile(r"^(\s*)([-*+])\s+(.*)$")
ORDERED = re.compile(r"^(\s*)(\d{1,3}[.)])\s+(.*)$")
RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
INLINE = re.compile(
    r"(?P<code>`+)(?P<codetext>.+?)(?P=code)"
    r"|\*\*(?P<bold>[^*\n]+?)\*\*"
    r"|__(?P<bold2>[^_\n]+?)__"
    r"|~~(?P<strike>[^~\n]+?)~~"
    r"|(?<![\w*])\*(?![\s*])(?P<italic>[^*\n]+?)(?<!\s)\*(?![\w*])"
    r"|(?<![\w_])_(?![\s_])(?P<italic2>[^_\n]+?)(?<!\s)_(?![\w_])"
    r"|\[(?P<label>[^\]\n]+)\]\((?P<url>[^)\s]+)\)"
)


def inline(text: str, base: str = "") -> Fragments:
    """Inline Markdown of one line."""
    out: Fragments = []
    pos = 0
    join = (lambda extra: f"{base} {extra}".strip())
    for m in INLINE.finditer(text):
        if m.start() > pos:
            out.append((base, text[pos:m.start()]))
        if m.group("code"):
            out.append((join("class:md.code"), m.group("codetext")))
        elif m.group("bold") or m.group("bold2"):
            out.append((join("class:md.bold"), m.group("bold") or m.group("bold2")))
        elif m.group("strike"):
            out.append((join("class:md.strike"), m.group("strike")))
        elif m.group("italic") or m.group("italic2"):
            out.append((join("class:md.italic"), m.group("italic") or m.group("italic2")))
        else:
            out.append((join("class:md.link"), m.group("label")))
            if m.group("url") != m.group("label"):
                out.append((join("class:muted"), f" ({m.group('url')})"))
        pos = m.end()
    if pos < len(text):
        out.append((base, text[pos:]))
    return out


def highlight(code: str, language: str = "") -> Fragments:
    """Code coloured by pygments; an unknown language is shown plain. Ends with a newline."""
    from prompt_toolkit.formatted_text import PygmentsTokens, to_formatted_text

    if not code.endswith("\n"):
        code += "\n"
    try:
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound

        try:
            lexer = get_lexer_by_name(language or "text", stripnl=False, ensurenl=False)
        except ClassNotFound:
            lexer = get_lexer_by_name("text", stripnl=False, ensurenl=False)
        return list(to_formatted_text(PygmentsTokens(list(lexer.get_tokens(code)))))
    except Exception:  # pygments missing or a lexer bug: plain text
        return [("", code)]


def _code_block(lines: list[str], language: str, indent: str) -> Fragments:
    body = "".join(line[len(indent):] if line.startswith(indent) else line for line in lines)
    out: Fragments = []
    for line_frags in split_lines(highlight(body, language)):
        out.append(("class:md.fence", "  "))
        out.extend(line_frags)
        out.append(("", "\n"))
    return out


def split_lines(fragments: Fragments) -> list[Fragments]:
    """Styled fragments cut into one list per line (the dialogs and code blocks both need it)."""
    lines: list[Fragments] = [[]]
    for style, text in fragments:
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append([])
            if part:
                lines[-1].append((style, part))
    if lines and not lines[-1]:
        lines.pop()
    return lines


def markdown(text: str, width: int = 80) -> Fragments:
    """Render an assistant answer. Unclosed code fences run to the end (a cut-off answer)."""
    out: Fragments = []
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        if fence:
            indent, marker, language = fence.groups()
            block: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(marker):
                block.append(lines[i] + "\n")
                i += 1
            i += 1   # the closing fence (or the end)
            if language:
                out.append(("class:md.fence", f"  {language}\n"))
            out.extend(_code_block(block, language, indent))
            continue
        out.extend(_block_line(line, width))
        out.append(("", "\n"))
        i += 1
    while out and out[-1] == ("", "\n") and len(out) > 1 and out[-2] == ("", "\n"):
        out.pop()
    return out


def _block_line(line: str, width: int) -> Fragments:
    heading = HEADING.match(line)
    if heading:
        level = len(heading.group(1))
        return inline(heading.group(2), f"class:md.h{min(level, 3)}")
    if RULE.match(line):
        return [("class:rule", "─" * max(10, min(width, 80)))]
    quote = QUOTE.match(line)
    if quote:
        return [("class:md.quote", "│ "), *inline(quote.group(1), "class:md.quote")]
    bullet = BULLET.match(line)
    if bullet:
        indent, _, rest = bullet.groups()
        task = re.match(r"\[([ xX])\]\s+(.*)", rest)
        if task:
            mark = "☑ " if task.group(1) in "xX" else "☐ "
            return [("", indent), ("class:md.bullet", mark), *inline(task.group(2))]
        return [("", indent), ("class:md.bullet", "• "), *inline(rest)]
    ordered = ORDERED.match(line)
    if ordered:
        indent, number, rest = ordered.groups()
        return [("", indent), ("class:md.bullet", number + " "), *inline(rest)]
    return inline(line)


def diff(text: str) -> Fragments:
    """A unified diff, coloured line by line."""
    out: Fragments = []
    for line in text.splitlines():
        if line.startswith(("+++", "---")):
            style = "class:diff.head"
        elif line.startswith("+"):
            style = "class:diff.add"
        elif line.startswith("-"):
            style = "class:diff.del"
        elif line.startswith("@@"):
            style = "class:diff.hunk"
        else:
            style = ""
        out.append((style, line + "\n"))
    return out


def looks_like_diff(text: str) -> bool:
    head = text.lstrip()[:400]
    return head.startswith(("--- ", "diff ", "@@ ")) or "\n@@ " in head or "\n+++ " in head


def plain_length(fragments: Fragments) -> int:
    return sum(len(text) for _, text in fragments)
