"""Every long option of the programs guards care about, so abbreviations resolve as the tools do.

GNU ``getopt_long``, git's parse-options and curl accept any unambiguous prefix of a long option:
``rm --recur --force``, ``git push --force-w``, ``git reset --har``, ``git clean --forc``. To
resolve a prefix the way the tool will, the table must hold all of the tool's long options: a
prefix is the one option it starts (``--force-w`` is ``--force-with-lease``); a prefix of several
(``git push --forc``) makes the tool stop with an error, so reading it as all of them fails safe.
``flags.scan`` also resolves against the ``FLAG_ALIASES`` and ``OPTION_SPECS`` names, so a
program missing here still resolves what those tables know.
"""
from __future__ import annotations

_GIT_CHECKOUT = ("quiet progress no-progress force ours theirs track no-track guess no-guess "
                 "detach orphan ignore-skip-worktree-bits merge conflict patch "
                 "ignore-other-worktrees overwrite-ignore no-overwrite-ignore recurse-submodules "
                 "no-recurse-submodules overlay no-overlay pathspec-from-file pathspec-file-nul")
_CHOWN = ("changes dereference no-dereference from no-preserve-root preserve-root quiet silent "
          "reference recursive verbose help version")

LONG_OPTIONS: dict[str, frozenset[str]] = {key: frozenset(value.split()) for key, value in {
    "rm": "force interactive one-file-system no-preserve-root preserve-root recursive dir "
          "verbose help version",
    "cp": "archive attributes-only backup copy-contents dereference force interactive link "
          "no-clobber no-dereference preserve no-preserve parents recursive reflink "
          "remove-destination sparse strip-trailing-slashes symbolic-link suffix "
          "target-directory no-target-directory update verbose one-file-system context "
          "keep-directory-symlink debug help version",
    "mv": "backup debug exchange force interactive no-clobber no-copy strip-trailing-slashes "
          "suffix target-directory no-target-directory update verbose context help version",
    "ln": "backup directory force interactive logical no-dereference physical relative "
          "symbolic suffix target-directory no-target-directory verbose help version",
    "install": "backup compare directory group mode owner preserve-timestamps strip "
               "strip-program suffix target-directory no-target-directory verbose "
               "preserve-context context debug help version",
    "chmod": "changes no-preserve-root preserve-root quiet silent reference recursive verbose "
             "help version",
    "chown": _CHOWN,
    "chgrp": _CHOWN,
    "mkdir": "mode parents verbose context help version",
    "tee": "append ignore-interrupts output-error help version",
    "sed": "in-place expression file quiet silent regexp-extended null-data separate "
           "unbuffered line-length posix sandbox debug follow-symlinks zero-terminated "
           "help version",
    "truncate": "no-create io-blocks reference size help version",
    "shred": "force iterations random-source remove size verbose exact zero help version",
    "xargs": "null arg-file delimiter eof replace max-lines max-args max-procs max-chars "
             "interactive no-run-if-empty verbose exit open-tty process-slot-var show-limits "
             "help version",
    "sudo": "askpass background bell close-from chdir preserve-env edit group set-home help "
            "host login remove-timestamp reset-timestamp list non-interactive "
            "preserve-groups prompt chroot role stdin shell type command-timeout "
            "other-user user version validate",
    "env": "ignore-environment null unset chdir default-signal ignore-signal "
           "block-signal list-signal-handling debug split-string help version",
    "timeout": "foreground kill-after preserve-status signal verbose help version",
    "nice": "adjustment help version",
    "stdbuf": "input output error help version",
    "rsync": "verbose info debug stderr quiet no-motd checksum archive recursive relative "
             "no-implied-dirs backup backup-dir suffix update inplace append append-verify "
             "dirs old-dirs mkpath links copy-links copy-unsafe-links safe-links munge-links "
             "copy-dirlinks keep-dirlinks hard-links perms executability chmod acls xattrs "
             "owner group devices copy-devices write-devices specials times atimes "
             "open-noatime crtimes omit-dir-times omit-link-times super fake-super sparse "
             "preallocate dry-run whole-file checksum-choice one-file-system block-size rsh "
             "rsync-path existing ignore-existing remove-source-files delete delete-before "
             "delete-during delete-delay delete-after delete-excluded ignore-missing-args "
             "delete-missing-args ignore-errors force max-delete max-size min-size max-alloc "
             "partial partial-dir delay-updates prune-empty-dirs numeric-ids usermap groupmap "
             "chown timeout contimeout ignore-times size-only modify-window temp-dir fuzzy "
             "compare-dest copy-dest link-dest compress compress-choice compress-level "
             "skip-compress cvs-exclude filter exclude exclude-from include include-from "
             "files-from from0 old-args secluded-args trust-sender copy-as address port "
             "sockopts blocking-io outbuf stats 8-bit-output human-readable progress "
             "itemize-changes remote-option out-format log-file log-file-format "
             "password-file early-input list-only bwlimit stop-after stop-at fsync "
             "write-batch only-write-batch read-batch protocol iconv checksum-seed ipv4 ipv6 "
             "version help del",
    "curl": "output output-dir remote-name remote-name-all remote-header-name create-dirs "
            "upload-file config request data data-raw data-binary data-ascii data-urlencode "
            "json header user user-agent referer form form-string cookie cookie-jar range "
            "write-out proxy cacert capath cert key insecure location location-trusted "
            "silent show-error fail fail-with-body include head verbose max-time "
            "connect-timeout retry retry-delay retry-max-time compressed dump-header resolve "
            "max-redirs oauth2-bearer url get globoff http1.1 http2 ipv4 ipv6 netrc "
            "no-progress-meter progress-bar continue-at trace trace-ascii stderr "
            "proto proto-redir tlsv1.2 tlsv1.3 unix-socket no-buffer help version",
    "wget": "output-document output-file append-output directory-prefix quiet verbose "
            "no-verbose recursive level mirror continue timestamping input-file execute "
            "tries timeout wait quota domains accept reject user password header user-agent "
            "post-data post-file body-data method no-check-certificate no-clobber "
            "no-directories force-directories no-host-directories page-requisites "
            "convert-links backup-converted spider server-response content-disposition "
            "show-progress progress https-only help version",
    "git push": "no-force all branches prune mirror dry-run porcelain delete tags follow-tags signed "
                "no-signed atomic no-atomic push-option receive-pack exec force-with-lease "
                "no-force-with-lease force force-if-includes no-force-if-includes repo "
                "set-upstream thin no-thin quiet verbose progress recurse-submodules verify "
                "no-verify ipv4 ipv6",
    "git reset": "soft mixed hard merge keep quiet no-quiet recurse-submodules "
                 "no-recurse-submodules patch intent-to-add pathspec-from-file "
                 "pathspec-file-nul refresh no-refresh",
    "git clean": "force dry-run interactive quiet exclude no-quiet",
    "git checkout": _GIT_CHECKOUT,
    "git restore": "source patch worktree staged quiet progress no-progress ours theirs merge "
                   "conflict ignore-unmerged ignore-skip-worktree-bits recurse-submodules "
                   "no-recurse-submodules overlay no-overlay pathspec-from-file "
                   "pathspec-file-nul",
    "git switch": "create force-create guess no-guess detach force discard-changes merge "
                  "conflict quiet progress no-progress track no-track orphan "
                  "ignore-other-worktrees recurse-submodules no-recurse-submodules",
}.items()}
