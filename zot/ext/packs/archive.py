"""The `.tar.gz` of `zot recipe pack`: reproducible, so its sha256 names its content.

Entries are sorted, owned by 0:0 with no user or group names, dated 0, with mode 0644 or 0755
(folders 0755), all under one top folder named after the pack; the gzip header carries no
name and mtime 0. Packing the same files twice gives the same bytes.

Extraction accepts only what packing makes: regular files and folders under one top folder,
no absolute paths, no `..`, no links or devices, bounded in count and size.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from pathlib import Path, PurePosixPath

from zot.config import UserError
from zot.ext.packs import tree


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _info(name: str, mode: int, size: int = 0, is_dir: bool = False) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE if is_dir else tarfile.REGTYPE
    info.mode, info.size, info.mtime = mode, size, 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def pack(root: Path, top: str, out: Path) -> str:
    """Write `out` from the files of `root` (as `tree.files_of` lists them) under `top/`;
    returns the archive's sha256. Written to a temporary name, then renamed."""
    files = tree.files_of(root, str(root))
    folders = {str(p) for rel in files for p in PurePosixPath(rel).parents if str(p) != "."}
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
        tar.addfile(_info(top, 0o755, is_dir=True))
        entries = [(f, True) for f in folders] + [(f, False) for f in files]
        for rel, is_dir in sorted(entries):
            if is_dir:
                tar.addfile(_info(f"{top}/{rel}", 0o755, is_dir=True))
                continue
            data = (root / rel).read_bytes()
            mode = 0o755 if tree.is_executable(root / rel) else 0o644
            tar.addfile(_info(f"{top}/{rel}", mode, len(data)), io.BytesIO(data))
    tmp = out.with_name(out.name + ".tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    tmp.replace(out)
    return sha256_file(out)


def extract(archive: Path, dest: Path) -> None:
    """Unpack `archive`'s one top folder into `dest` (which must not exist)."""
    shown = str(archive)
    try:
        tar = tarfile.open(archive, mode="r:gz")
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise UserError(f"{shown} is not a .tar.gz zot can read: {exc}",
                        "make one with `zot recipe pack DIR`") from None
    with tar:
        try:
            members = tar.getmembers()
        except (OSError, tarfile.TarError, EOFError) as exc:
            raise UserError(f"{shown} is damaged: {exc}", "download or pack it again") from None
        top = _check(shown, members)
        dest.mkdir(parents=True)
        for member in members:
            rel = PurePosixPath(member.name).relative_to(top)
            target = dest.joinpath(*rel.parts)
            if member.isdir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            source = tar.extractfile(member)
            if source is None:
                continue
            target.write_bytes(source.read())
            target.chmod(0o755 if member.mode & 0o100 else 0o644)


def _check(shown: str, members: list[tarfile.TarInfo]) -> str:
    if not members:
        raise UserError(f"{shown} is empty", "make one with `zot recipe pack DIR`")
    if len(members) > tree.MAX_FILES * 2 or sum(m.size for m in members) > tree.MAX_BYTES:
        raise UserError(f"{shown} is too large to install",
                        f"a pack may hold at most {tree.MAX_FILES} files and {tree.MAX_BYTES // 1024 // 1024} MiB")
    tops = set()
    for m in members:
        path = PurePosixPath(m.name)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise UserError(f"{shown}: entry `{m.name}` points outside the archive's folder",
                            "this archive was not made by `zot recipe pack`; do not install it")
        if not (m.isfile() or m.isdir()):
            raise UserError(f"{shown}: entry `{m.name}` is a link or a special file",
                            "an archive of a pack holds plain files and folders only")
        tops.add(path.parts[0])
    if len(tops) != 1 or any(m.isfile() and len(PurePosixPath(m.name).parts) < 2 for m in members):
        raise UserError(f"{shown} must hold exactly one top folder (it holds: {', '.join(sorted(tops))})",
                        "make the archive with `zot recipe pack DIR`")
    return tops.pop()
