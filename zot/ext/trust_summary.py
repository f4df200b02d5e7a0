"""What trusting a project would let run: the lines `zot trust` and `/trust` show before asking."""
from __future__ import annotations

from pathlib import Path


def what_will_run(project: Path) -> list[str]:
    """Human lines: every program, script and network call the project's extensions declare."""
    from zot.ext.discover import discover
    from zot.ext.validate import check_file

    lines: list[str] = []
    settings = project / ".zot" / "settings.yaml"
    if settings.is_file():
        lines.append(f"settings: {settings} (may choose the model and API base)")
    for found in discover(project, ("project",)):
        data = check_file(found.path).data or {}
        name = data.get("name", found.folder.name)
        lines.append(f"extension {name} ({found.path})")
        for section in ("commands", "tools", "widgets"):
            for key, item in (data.get(section) or {}).items():
                if isinstance(item, dict) and isinstance(item.get("run"), dict):
                    lines.append(f"  {section[:-1]} {key} runs: {' '.join(map(str, item['run'].get('argv', [])))}")
                if isinstance(item, dict) and isinstance(item.get("http"), dict):
                    lines.append(f"  {section[:-1]} {key} calls: {item['http'].get('url')}")
        for i, hook in enumerate(data.get("hooks") or []):
            if isinstance(hook, dict) and isinstance(hook.get("run"), dict):
                lines.append(f"  hook {i + 1} on {hook.get('on')} runs: {' '.join(map(str, hook['run'].get('argv', [])))}")
        script = data.get("script")
        if isinstance(script, dict):
            lines.append(f"  script: {script.get('exec')} {' '.join(map(str, script.get('args', [])))}")
    return lines
