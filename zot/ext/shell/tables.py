"""The option tables behind flag normalisation (read by ``flags.py``).

* ``FLAG_ALIASES``: long (or odd short) names mapped to one canonical name, per program or per
  ``"program subcommand"`` (``"git push"``; ``"kubectl *"`` for every kubectl subcommand).
  Names not in a table are kept as written, without dashes.
* ``OPTION_SPECS``: which options take a value, so ``git -C dir`` or ``timeout -s KILL`` do not
  turn ``dir`` into a positional or ``KILL`` into flags ``K I L``; which take a value only when
  attached (``sed -i.bak``); and which programs stop reading options at the first positional
  (wrappers, shells, ``xargs``: their options end where the wrapped command begins).
* ``SUBCOMMAND_TOOLS``: tools whose global options come before the subcommand and whose
  subcommand has its own tables.

The tables cover what guards commonly need, not every option of every tool; an option missing
from ``OPTION_SPECS`` only means a value given as a separate word is read as a positional.
chmod, chown and chgrp spell recursive ``R`` (for chmod ``-r`` is a mode, so it is no alias).
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OptionSpec:
    """How one program reads its options."""

    value_short: str = ""                       # -x VALUE or -xVALUE
    value_long: frozenset[str] = frozenset()    # --name VALUE (--name=VALUE always works)
    optional_short: str = ""                    # value only when attached: sed -i.bak
    posix: bool = False                         # options stop at the first positional
    mode_words: re.Pattern[str] | None = None   # words that look like options but are not


def _spec(short: str = "", long: str = "", optional: str = "", posix: bool = False,
          modes: str | None = None) -> OptionSpec:
    return OptionSpec(short, frozenset(long.split()), optional, posix,
                      re.compile(modes) if modes else None)


_RM = {"recursive": "r", "R": "r", "force": "f", "dir": "d", "interactive": "i", "verbose": "v"}
_CP = {"recursive": "r", "R": "r", "force": "f", "archive": "a", "interactive": "i",
       "no-clobber": "n", "verbose": "v", "target-directory": "t", "suffix": "S", "link": "l",
       "symbolic-link": "s", "update": "u", "dereference": "L", "no-dereference": "P"}
_MV = {"force": "f", "interactive": "i", "no-clobber": "n", "verbose": "v",
       "target-directory": "t", "suffix": "S", "update": "u"}
_CHMOD = {"recursive": "R", "verbose": "v", "changes": "c", "silent": "f", "quiet": "f"}
_CHOWN = {**_CHMOD, "no-dereference": "h"}

FLAG_ALIASES: dict[str, dict[str, str]] = {
    "rm": _RM,
    "cp": _CP,
    "mv": _MV,
    "ln": {"force": "f", "symbolic": "s", "target-directory": "t", "no-dereference": "n",
           "relative": "r", "verbose": "v", "interactive": "i"},
    "chmod": _CHMOD,
    "chown": _CHOWN,
    "chgrp": _CHOWN,
    "mkdir": {"parents": "p", "mode": "m", "verbose": "v"},
    "rmdir": {"parents": "p", "verbose": "v"},
    "shred": {"remove": "u", "force": "f", "iterations": "n", "zero": "z", "verbose": "v"},
    "truncate": {"size": "s", "reference": "r", "no-create": "c"},
    "tee": {"append": "a", "ignore-interrupts": "i"},
    "sed": {"in-place": "i", "expression": "e", "file": "f", "quiet": "n", "silent": "n",
            "regexp-extended": "E", "null-data": "z", "separate": "s"},
    "grep": {"recursive": "r", "dereference-recursive": "R", "ignore-case": "i",
             "invert-match": "v", "count": "c", "files-with-matches": "l", "line-number": "n",
             "quiet": "q", "silent": "q", "extended-regexp": "E", "fixed-strings": "F",
             "perl-regexp": "P", "word-regexp": "w", "only-matching": "o", "regexp": "e",
             "file": "f"},
    "tar": {"file": "f", "directory": "C", "extract": "x", "get": "x", "create": "c",
            "list": "t", "gzip": "z", "gunzip": "z", "bzip2": "j", "xz": "J", "verbose": "v",
            "append": "r", "update": "u", "to-stdout": "O", "keep-old-files": "k",
            "auto-compress": "a"},
    "curl": {"output": "o", "remote-name": "O", "request": "X", "data": "d", "header": "H",
             "upload-file": "T", "insecure": "k", "location": "L", "silent": "s",
             "show-error": "S", "fail": "f", "user": "u", "form": "F", "include": "i",
             "head": "I", "verbose": "v", "user-agent": "A", "cookie": "b", "cookie-jar": "c",
             "write-out": "w", "proxy": "x", "max-time": "m", "dump-header": "D",
             "config": "K", "referer": "e", "range": "r", "continue-at": "C"},
    "wget": {"output-document": "O", "output-file": "o", "append-output": "a",
             "directory-prefix": "P", "quiet": "q", "verbose": "v", "recursive": "r",
             "mirror": "m", "continue": "c", "timestamping": "N", "input-file": "i",
             "execute": "e", "tries": "t", "timeout": "T", "level": "l"},
    "rsync": {"archive": "a", "recursive": "r", "verbose": "v", "compress": "z", "rsh": "e",
              "dry-run": "n", "update": "u", "links": "l", "checksum": "c",
              "del": "delete-during"},
    "kill": {"signal": "s"},
    "sort": {"output": "o", "key": "k", "field-separator": "t", "reverse": "r",
             "unique": "u", "numeric-sort": "n"},
    "head": {"lines": "n", "bytes": "c"},
    "tail": {"lines": "n", "bytes": "c", "follow": "f"},
    "xargs": {"null": "0", "no-run-if-empty": "r", "verbose": "t", "interactive": "p",
              "exit": "x", "open-tty": "o", "arg-file": "a", "delimiter": "d",
              "max-args": "n", "max-procs": "P", "max-chars": "s", "replace": "i",
              "max-lines": "l", "eof": "e"},
    "sudo": {"user": "u", "group": "g", "preserve-env": "E", "login": "i", "shell": "s",
             "non-interactive": "n", "background": "b", "stdin": "S", "set-home": "H",
             "edit": "e", "list": "l", "validate": "v", "remove-timestamp": "k",
             "reset-timestamp": "K", "chdir": "D", "prompt": "p", "close-from": "C"},
    "env": {"ignore-environment": "i", "null": "0", "unset": "u", "chdir": "C",
            "split-string": "S", "debug": "v"},
    "timeout": {"signal": "s", "kill-after": "k", "verbose": "v"},
    "nice": {"adjustment": "n"},
    "ionice": {"class": "c", "classdata": "n", "pid": "p", "pgid": "P", "uid": "u",
               "ignore": "t"},
    "stdbuf": {"input": "i", "output": "o", "error": "e"},
    "setsid": {"ctty": "c", "fork": "f", "wait": "w"},
    "time": {"portability": "p", "format": "f", "output": "o", "append": "a",
             "verbose": "v"},
    "watch": {"interval": "n", "exec": "x", "beep": "b", "errexit": "e", "chgexit": "g",
              "no-title": "t", "precise": "p", "color": "c", "differences": "d"},
    "flock": {"shared": "s", "exclusive": "x", "unlock": "u", "nonblock": "n",
              "timeout": "w", "wait": "w", "conflict-exit-code": "E", "command": "c",
              "close": "o"},
    "su": {"command": "c", "login": "l", "shell": "s", "preserve-environment": "p",
           "group": "g", "supp-group": "G"},
    "script": {"command": "c", "quiet": "q", "append": "a", "return": "e", "flush": "f",
               "echo": "E", "log-in": "I", "log-out": "O", "log-io": "B", "log-timing": "T",
               "logging-format": "m", "output-limit": "o", "timing": "t"},
    "strace": {"output": "o", "attach": "p", "follow-forks": "f", "env": "E", "user": "u",
               "summary-only": "c", "string-limit": "s"},
    "ltrace": {"output": "o", "library": "l"},
    "parallel": {"arg-file": "a", "colsep": "C", "delimiter": "d", "jobs": "j",
                 "max-procs": "P", "max-lines": "L", "max-args": "n", "max-replace-args": "N",
                 "max-chars": "s", "sshlogin": "S", "quote": "q", "keep-order": "k",
                 "null": "0", "verbose": "v", "ungroup": "u", "interactive": "p",
                 "replace": "i", "eof": "e", "no-run-if-empty": "r"},
    "taskset": {"pid": "p", "all-tasks": "a", "cpu-list": "c"},
    "chrt": {"pid": "p", "max": "m", "all-tasks": "a"},
    "fish": {"command": "c"},
    "git": {"paginate": "p", "no-pager": "P", "version": "v", "help": "h"},
    "git push": {"force": "f", "delete": "d", "quiet": "q", "verbose": "v",
                 "set-upstream": "u", "dry-run": "n", "push-option": "o"},
    "git reset": {"quiet": "q", "patch": "p"},
    "git clean": {"force": "f", "dry-run": "n", "interactive": "i", "quiet": "q",
                  "exclude": "e"},
    "git checkout": {"force": "f", "quiet": "q", "patch": "p", "merge": "m"},
    "git switch": {"force": "f", "discard-changes": "f", "create": "c",
                   "force-create": "C", "detach": "d", "quiet": "q"},
    "git restore": {"staged": "S", "worktree": "W", "source": "s", "patch": "p",
                    "quiet": "q"},
    "git commit": {"all": "a", "message": "m", "file": "F", "no-verify": "n", "quiet": "q",
                   "verbose": "v", "signoff": "s", "patch": "p", "reuse-message": "C",
                   "reedit-message": "c", "template": "t", "edit": "e"},
    "git branch": {"delete": "d", "force": "f", "move": "m", "copy": "c", "all": "a",
                   "remotes": "r", "set-upstream-to": "u", "track": "t", "list": "l",
                   "verbose": "v"},
    "git rm": {"recursive": "r", "force": "f", "quiet": "q", "dry-run": "n"},
    "git add": {"all": "A", "force": "f", "patch": "p", "update": "u", "dry-run": "n",
                "verbose": "v", "intent-to-add": "N", "interactive": "i"},
    "git tag": {"delete": "d", "force": "f", "message": "m", "file": "F", "annotate": "a",
                "sign": "s", "local-user": "u"},
    "git stash": {"message": "m", "all": "a", "keep-index": "k", "patch": "p",
                  "include-untracked": "u", "quiet": "q"},
    "git fetch": {"force": "f", "prune": "p", "tags": "t", "quiet": "q", "verbose": "v"},
    "git pull": {"force": "f", "rebase": "r", "quiet": "q", "verbose": "v"},
    "git rebase": {"interactive": "i", "exec": "x", "strategy": "s",
                   "strategy-option": "X", "quiet": "q"},
    "git merge": {"message": "m", "strategy": "s", "strategy-option": "X", "quiet": "q"},
    "docker run": {"interactive": "i", "tty": "t", "detach": "d", "publish-all": "P",
                   "env": "e", "volume": "v", "publish": "p", "user": "u", "workdir": "w"},
    "kubectl *": {"namespace": "n", "filename": "f", "selector": "l", "output": "o",
                  "container": "c", "recursive": "R"},
}

_SHELL = _spec("oO", "rcfile init-file", posix=True)
_PARALLEL = _spec("aCdEIjJLnNPsSW", "arg-file arg-file-sep arg-sep basefile bf block "
                  "block-size blocksize block-timeout bt colsep compress-program "
                  "decompress-program ctag ctagstring delay delimiter env filter group-by "
                  "halt halt-on-error header hostgroups id joblog jobs limit load match "
                  "max-args max-chars max-procs max-replace-args memfree memsuspend nice "
                  "process-slot-var profile recend recstart res results retries return rpl "
                  "semaphorename semaphoretimeout st ssh sshdelay sshlogin "
                  "sshloginfile slf tagstring template tmpl termseq timeout tmpdir "
                  "transferfile tf trim wd workdir sqlmaster sqlworker sqlandworker",
                  optional="eil", posix=True)
_GIT_GLOBAL = "git-dir work-tree namespace config-env super-prefix attr-source"

OPTION_SPECS: dict[str, OptionSpec] = {
    "cp": _spec("tS", "target-directory suffix"),
    "mv": _spec("tS", "target-directory suffix"),
    "ln": _spec("tS", "target-directory suffix"),
    "install": _spec("gmotS", "group mode owner target-directory suffix"),
    "chmod": _spec("", "reference", modes=r"^-[rwxXst]+$"),
    "chown": _spec("", "reference from"),
    "chgrp": _spec("", "reference"),
    "mkdir": _spec("m", "mode"),
    "shred": _spec("ns", "iterations size random-source"),
    "truncate": _spec("sr", "size reference"),
    "sed": _spec("efl", "expression file line-length", optional="i"),
    "grep": _spec("efmABCdD", "regexp file max-count after-context before-context context "
                  "include exclude exclude-dir label devices directories binary-files"),
    "tar": _spec("fCTXbKNgVIH", "file directory files-from exclude-from blocking-factor "
                 "starting-file newer listed-incremental label use-compress-program format "
                 "exclude transform owner group mode"),
    "curl": _spec("oXdHuAeTFbcKrwxyYzEUCQtmDP",
                  "output request data data-raw data-binary data-ascii data-urlencode json "
                  "header user user-agent referer upload-file form form-string cookie "
                  "cookie-jar config range write-out proxy cacert capath cert key "
                  "connect-timeout max-time retry url output-dir dump-header resolve "
                  "max-redirs oauth2-bearer"),
    "wget": _spec("OoaPtTUeiwQlDARXIB", "output-document output-file append-output "
                  "directory-prefix tries timeout wait quota level domains accept reject user "
                  "password header user-agent post-data post-file body-data method execute "
                  "input-file", optional="n"),
    "rsync": _spec("efTB", "rsh filter exclude include exclude-from include-from files-from "
                   "temp-dir partial-dir backup-dir suffix chmod chown log-file password-file "
                   "compare-dest copy-dest link-dest"),
    "kill": _spec("sn", "signal"),
    "sort": _spec("okStT", "output key field-separator buffer-size temporary-directory "
                  "parallel files0-from"),
    "head": _spec("nc", "lines bytes"),
    "tail": _spec("nc", "lines bytes"),
    "make": _spec("CfIoW", "directory file makefile include-dir old-file what-if new-file"),
    "python": _spec("cmWX", posix=True),
    "python3": _spec("cmWX", posix=True),
    "ssh": _spec("BbcDEeFIiJLlmOopQRSWw", posix=True),
    "ssh-keygen": _spec("abCDEFfGIJjKMmNnOPrSsTtVwYZz"),
    # wrappers: options end where the wrapped command begins
    "sudo": _spec("ugCDprtUTR", "user group close-from chdir prompt role type other-user "
                  "command-timeout chroot host", posix=True),
    "doas": _spec("uC", posix=True),
    "pkexec": _spec("", "user", posix=True),
    "env": _spec("uCPS", "unset chdir split-string", posix=True),
    "nice": _spec("n", "adjustment", posix=True),
    "nohup": _spec(posix=True),
    "timeout": _spec("sk", "signal kill-after", posix=True),
    "time": _spec("fo", "format output", posix=True),
    "command": _spec(posix=True),
    "builtin": _spec(posix=True),
    "exec": _spec("a", posix=True),
    "stdbuf": _spec("ioe", "input output error", posix=True),
    "ionice": _spec("cnpPu", "class classdata pid pgid uid", posix=True),
    "setsid": _spec(posix=True),
    "coproc": _spec(posix=True),
    "chroot": _spec("", "userspec groups", posix=True),
    "busybox": _spec(posix=True),
    "watch": _spec("nq", "interval equexit", optional="d", posix=True),
    "flock": _spec("wEc", "timeout wait conflict-exit-code command", posix=True),
    "su": _spec("cgGsw", "command shell group supp-group whitelist-environment "
                "session-command"),
    "runuser": _spec("cgGsuw", "command shell group supp-group user whitelist-environment "
                     "session-command"),
    "xargs": _spec("adEILnPs", "arg-file delimiter max-args max-procs max-chars "
                   "process-slot-var", optional="eil", posix=True),
    "parallel": _PARALLEL, "sem": _PARALLEL,
    "script": _spec("cEIOBTmo", "command echo log-in log-out log-io log-timing logging-format "
                    "output-limit", optional="t"),
    # tracers, sandboxes and other wrappers (getopt strings as their sources read them)
    "strace": _spec("abeEIoOpPsSuUX", "columns detach-on env interruptible "
                    "stack-trace-frame-limit syscall-limit output summary-syscall-overhead "
                    "attach trace-path string-limit summary-sort-by user summary-columns "
                    "const-print-style argv0 color trace trace-fds abbrev verbose raw signals "
                    "status read write fault inject kvm decode-pids", posix=True),
    "ltrace": _spec("waADeFlnopsux", "align config debug indent library output where",
                    posix=True),
    "valgrind": _spec(posix=True),          # --name=VALUE only
    "catchsegv": _spec(posix=True),
    "unbuffer": _spec(posix=True),
    "faketime": _spec("p", "date-prog", posix=True, modes=r"^-\d"),   # faketime -1d CMD
    "firejail": _spec(posix=True),          # --name or --name=VALUE, one word each
    "proot": _spec("rbmqwvkiRS", "rootfs bind mount qemu pwd cwd verbose kernel-release "
                   "change-id", posix=True),
    "fakeroot": _spec("lfisb", "lib faked fd-base", posix=True),
    "proxychains": _spec("f", posix=True),
    "proxychains4": _spec("f", posix=True),
    "torsocks": _spec("upaP", "user pass address port", posix=True),
    "unshare": _spec("RwSGl", "map-user map-users map-group map-groups owner propagation "
                     "setgroups setuid setgid root wd monotonic boottime load-interp",
                     posix=True),
    "nsenter": _spec("tNSG", "target net-socket setuid setgid", optional="muinpCUTrwW",
                     posix=True),
    "taskset": _spec(posix=True),
    "chrt": _spec("DPT", "sched-runtime sched-period sched-deadline", posix=True),
    "systemd-run": _spec("HMCupE", "host machine capsule unit property description slice "
                         "expand-environment service-type uid gid nice working-directory "
                         "root-directory setenv background output json job-mode "
                         "path-property socket-property timer-property on-active on-boot "
                         "on-startup on-unit-active on-unit-inactive on-calendar",
                         posix=True),
    "xvfb-run": _spec("efnpsw", "error-file auth-file server-num xauth-protocol server-args "
                      "wait", posix=True),
    "gosu": _spec(posix=True),
    "mapfile": _spec("dnOsuCc"), "readarray": _spec("dnOsuCc"),
    "sg": _spec("c", "command"),
    "nocache": _spec(posix=True), "cgexec": _spec("g", posix=True),
    "numactl": _spec("CmNPlp", "cpunodebind membind physcpubind preferred localalloc "
                     "interleave", posix=True),
    "prlimit": _spec("p", "pid", posix=True), "runcon": _spec("urtl", posix=True),
    "chpst": _spec("ugUePnlmdofcrt", posix=True),
    "setpriv": _spec("", "reuid regid groups inh-caps ambient-caps bounding-set securebits "
                     "pdeathsig selinux-label apparmor-profile landlock-access landlock-rule",
                     posix=True),
    "read": _spec("adeinNptu"), "printf": _spec("v", posix=True),
    "su-exec": _spec(posix=True),
    "bash": _SHELL, "sh": _SHELL, "zsh": _SHELL, "dash": _SHELL, "ksh": _SHELL,
    "mksh": _SHELL, "ash": _SHELL, "yash": _SHELL, "posh": _SHELL,
    "fish": _spec("CdpP", "init-command debug profile command", posix=True),
    # subcommand tools: "<tool>" is read up to the subcommand, then "<tool> <sub>" or "<tool> *"
    "git": _spec("Cc", _GIT_GLOBAL, posix=True),
    "git push": _spec("o", "push-option repo receive-pack exec"),
    "git clean": _spec("e", "exclude"),
    "git checkout": _spec("bB", "orphan conflict pathspec-from-file"),
    "git switch": _spec("cC", "create force-create orphan"),
    "git restore": _spec("s", "source pathspec-from-file"),
    "git commit": _spec("mFCct", "message file author date template reuse-message "
                        "reedit-message fixup squash trailer cleanup pathspec-from-file",
                        optional="S"),
    "git branch": _spec("u", "set-upstream-to sort format points-at"),
    "git stash": _spec("m", "message"),
    "git tag": _spec("mFu", "message file local-user"),
    "git merge": _spec("msX", "message strategy strategy-option file"),
    "git pull": _spec("sX", "strategy strategy-option depth"),
    "git rebase": _spec("sXx", "onto exec strategy strategy-option"),
    "git log": _spec("n", "author committer grep since until after before max-count skip"),
    "git clone": _spec("obcu", "origin branch config depth upload-pack reference "
                       "separate-git-dir template jobs filter"),
    "git config": _spec("f", "file blob type default"),
    "git fetch": _spec("oj", "depth deepen shallow-since upload-pack jobs"),
    "docker": _spec("Hcl", "host context config log-level tlscacert tlscert tlskey", posix=True),
    "docker run": _spec("acehlmpuvw", "name network env env-file volume mount workdir user "
                        "entrypoint label publish hostname memory cpus platform add-host "
                        "device cap-add cap-drop restart pull log-driver log-opt ulimit "
                        "security-opt shm-size tmpfs gpus runtime pid ipc stop-signal",
                        posix=True),
    "docker exec": _spec("euw", "env env-file user workdir detach-keys", posix=True),
    "kubectl": _spec("nsv", "namespace context cluster kubeconfig server user token as "
                     "as-group request-timeout certificate-authority client-certificate "
                     "client-key", posix=True),
    "kubectl *": _spec("nflocsv", "namespace filename selector output container context "
                       "kubeconfig cluster user server token grace-period timeout "
                       "field-selector"),
}
OPTION_SPECS["docker create"] = OPTION_SPECS["docker run"]
FLAG_ALIASES["sem"] = FLAG_ALIASES["parallel"]
for _tool in ("podman",):
    for _key in [k for k in OPTION_SPECS if k.split(" ")[0] == "docker"]:
        OPTION_SPECS[_tool + _key[6:]] = OPTION_SPECS[_key]
    for _key in [k for k in FLAG_ALIASES if k.split(" ")[0] == "docker"]:
        FLAG_ALIASES[_tool + _key[6:]] = FLAG_ALIASES[_key]

SUBCOMMAND_TOOLS = frozenset({"git", "docker", "podman", "kubectl"})
