"""The key-value store of one extension (capability `kv`): `$ZOT_HOME/data/NAME/kv.json`.

Values are JSON; the file is one object, written atomically (a temporary file, then rename), so
a crash never leaves half a store. zot's SDK keeps the same file itself when a host does not
offer `kv`, so an extension moving between hosts keeps its data.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class KVError(Exception):
    """The store cannot be read or written; the message goes back in `kv_result.error`."""


class KVStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict[str, Any] | None = None

    def _load(self) -> dict[str, Any]:
        if self._data is None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                data = {}
            except (OSError, ValueError) as exc:
                raise KVError(f"cannot read {self.path}: {exc}") from None
            self._data = data if isinstance(data, dict) else {}
        return self._data

    def _save(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(self._data, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                           encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            raise KVError(f"cannot write {self.path}: {exc}") from None

    def get(self, key: str) -> Any:
        return self._load().get(key)

    def set(self, key: str, value: Any) -> None:
        self._load()[key] = value
        self._save()

    def delete(self, key: str) -> None:
        if self._load().pop(key, None) is not None:
            self._save()

    def keys(self, prefix: str = "") -> list[str]:
        return sorted(k for k in self._load() if k.startswith(prefix))

    def answer(self, frame: dict[str, Any]) -> dict[str, Any]:
        """The `kv_result` for one `kv_get` / `kv_set` / `kv_delete` / `kv_list` frame."""
        kind, key = frame.get("type"), frame.get("key")
        reply: dict[str, Any] = {"type": "kv_result", "id": frame.get("id")}
        try:
            if kind == "kv_list":
                reply["keys"] = self.keys(str(frame.get("prefix") or ""))
            elif not isinstance(key, str) or not key:
                reply["error"] = f"{kind} needs a non-empty string `key`"
            elif kind == "kv_get":
                reply["value"] = self.get(key)
            elif kind == "kv_set":
                self.set(key, frame.get("value"))
            else:
                self.delete(key)
        except KVError as exc:
            self._data = None          # read again next time rather than trust a store we failed on
            reply["error"] = str(exc)
        return reply
