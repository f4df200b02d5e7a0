"""What trust shows a person: the project's capabilities, what changed since they trusted it, and
the one line zot prints when trust is missing or stale.

Every mode says it the same way: `-p`/`--json` print the line on stderr, the REPL shows it as a
notice, and `zot trust` / `/trust` show the whole difference before asking.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from zot.ext import capabilities
from zot.ext.capabilities import Diff, Summaries
from zot.ext.trust import Status, status
from zot.ext.trust_files import describe_changes

HOW = "run `zot trust` to review and load the rest (/trust in the REPL)"


def project_summary(project: Path) -> Summaries:
    """The capability summary of everything in `.zot/` that trust would let act."""
    from zot.ext.discover import discover
    from zot.ext.loader import PROTECTED
    from zot.ext.validate import check_file_cached
    from zot.yamlio import load_document

    out: Summaries = {}
    for found in discover(project, ("project",)):
        data = check_file_cached(found.path).data or {}
        name = data.get("name") if isinstance(data.get("name"), str) else found.folder.name
        out[name] = capabilities.summarize(name, data)
    from zot.ext.packs.consent import locked_summaries

    out.update(locked_summaries(project))    # the packs .zot/zot.lock pins, from the summaries it records
    settings = project / ".zot" / "settings.yaml"
    if settings.is_file():
        doc = load_document(settings)
        plain = doc.plain if not [d for d in doc.diagnostics if d.code != "empty"] else None
        if isinstance(plain, dict):
            out["settings"] = capabilities.summarize_settings(plain, PROTECTED)
    return out


@dataclass
class Report:
    status: Status
    summary: Summaries

    @property
    def previous(self) -> Summaries:
        return capabilities.from_json(self.status.entry.get("summary"))

    @property
    def diff(self) -> Diff:
        return capabilities.diff(self.previous, self.summary)

    @property
    def recorded_files(self) -> bool:
        """Whether the last trust recorded files (an earlier zot kept only a digest)."""
        return bool(self.status.entry.get("files"))

    def what_changed(self) -> str:
        """Files and capabilities, in one phrase ('' when nothing is known to have changed)."""
        if not self.recorded_files:
            return "trusted by an earlier zot, which kept no list of files"
        parts = [describe_changes(self.status.file_changes())]
        if not self.diff.empty:
            parts.append(self.diff.short())
        return "; ".join(p for p in parts if p)

    def notice(self, restricted: list[str]) -> str:
        """The one line shown when trust is missing or stale."""
        names = ", ".join(capabilities.escape(n) for n in restricted)
        inert = (f"its extensions ({names}) load only their deny and confirm rules and redactions"
                 if restricted else "its settings and extensions wait")
        if self.status.error:
            return f"project .zot/ cannot be trusted: {self.status.error}; {inert}"
        if self.status.changed:
            return f"project .zot/ changed since you trusted it ({self.what_changed()}); {inert}; {HOW}"
        return f"project .zot/ is not trusted: {inert}; {HOW}"

    def headline(self) -> str:
        if self.status.changed and self.recorded_files:
            return f"{self.status.project} changed since you trusted it; trusting it again lets zot load and run this:"
        return f"Trusting {self.status.project} lets zot load and run what its .zot/ folder declares:"

    def prompt_lines(self) -> list[str]:
        """What `zot trust` and `/trust` show before asking."""
        if self.status.changed and self.recorded_files:
            lines = [f"changed since you trusted it: {describe_changes(self.status.file_changes(), 10) or 'no files'}"]
            lines += ["what it adds, removes or changes:"] + (["  " + x for x in self.diff.lines()]
                                                               or ["  nothing that runs or changes behaviour"])
            return lines
        return capabilities.render(self.summary) or ["(no extensions or settings)"]


def report(project: Path, now: Status | None = None) -> Report:
    now = now or status(project)
    return Report(now, project_summary(now.project) if now.present else {})
