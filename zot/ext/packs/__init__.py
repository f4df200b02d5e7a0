"""Sharing: installing extensions and recipe packs from a folder, a git repository or an archive.

What goes where, one job per module:

- `source`   parse `SOURCE[@REF]` into a folder, git or archive source;
- `gitfetch` git as argv subprocesses with a timeout: resolve a ref, fetch one commit;
- `tree`     copy a tree (no links, no caches), its sha256 digest and per-file listing;
- `archive`  the reproducible `.tar.gz` of `zot recipe pack`, and its safe extraction;
- `fetch`    a source, fetched into a staging folder;
- `content`  what a staged tree holds (a pack or an extension), validated;
- `checks`   name clashes, params two packs disagree on, a lock that disagrees with settings;
- `store`    the content-addressed store under `$ZOT_HOME/store`;
- `lock`     `zot.lock`: what is installed, pinned to a commit and a digest;
- `consent`  the capability summary shown before install or update, and its difference;
- `install`  install (and update), with the previous state kept on failure;
- `manage`   update and remove: finding what the user named, in which scope;
- `sync`     install exactly what the lock says;
- `installed` what the loader adds, and the problems that stop an agent run;
- `apply`    a recipe's extensions and params written into settings;
- `verify`   an archive, a folder or an installed pack against its digest.
"""
