"""Every simple command a guard must see, and the data it must not mistake for commands.

Each row: the line, then the command that must be among the parsed commands, exactly:
(program, flags, positionals, via).
"""
from __future__ import annotations

import pytest

from zot.ext.shell import parse_command_line

RF = {"r", "f"}

SEEN = [
    # normalisation of the program and its options
    ("rm -rf /", "rm", RF, ("/",), ()),
    ("rm -fr build", "rm", RF, ("build",), ()),
    ("rm -r -f build", "rm", RF, ("build",), ()),
    ("rm --recursive --force build", "rm", RF, ("build",), ()),
    ("rm -R build", "rm", {"r"}, ("build",), ()),
    ("rm --force -- -weird", "rm", {"f"}, ("-weird",), ()),
    ("rm build -rf", "rm", RF, ("build",), ()),
    ("/bin/rm -rf x", "rm", RF, ("x",), ()),
    ("\\rm -rf x", "rm", RF, ("x",), ()),
    ("'rm' -rf x", "rm", RF, ("x",), ()),
    ("r''m -rf x", "rm", RF, ("x",), ()),
    ("./rm -rf x", "rm", RF, ("x",), ()),
    ("FOO=1 BAR=2 rm -rf x", "rm", RF, ("x",), ()),
    ('rm -rf "$HOME/x"', "rm", RF, ("$HOME/x",), ()),
    ("rm -rf ~/x", "rm", RF, ("~/x",), ()),
    ("rm -rf -- --no-preserve-root", "rm", RF, ("--no-preserve-root",), ()),
    ("rm -rf --no-preserve-root /", "rm", RF | {"no-preserve-root"}, ("/",), ()),
    ("rm -d empty", "rm", {"d"}, ("empty",), ()),
    ("rm my\\ file 'other file'", "rm", set(), ("my file", "other file"), ()),
    ("sudo rm x >o -rf", "rm", RF, ("x",), ("sudo",)),
    ("2>/dev/null rm -rf x", "rm", RF, ("x",), ()),
    # lists and pipelines
    ("make && rm -rf build", "rm", RF, ("build",), ()),
    ("false || rm -rf build", "rm", RF, ("build",), ()),
    ("cd /tmp; rm -rf x", "rm", RF, ("x",), ()),
    ("a && b || rm -r c; d", "rm", {"r"}, ("c",), ()),
    ("sleep 1 & rm -rf x", "rm", RF, ("x",), ()),
    ("! rm -rf x", "rm", RF, ("x",), ()),
    ("ls | rm -rf x", "rm", RF, ("x",), ("pipeline",)),
    ("ls |& rm -rf x", "rm", RF, ("x",), ("pipeline",)),
    ("ls | grep x | rm -rf x", "rm", RF, ("x",), ("pipeline",)),
    ("rm -rf x\nls", "rm", RF, ("x",), ()),
    # subshells and groups
    ("(cd x && rm -rf y)", "rm", RF, ("y",), ("subshell",)),
    ("{ rm -rf y; }", "rm", RF, ("y",), ()),
    ("( (rm -rf y) )", "rm", RF, ("y",), ("subshell", "subshell")),
    ("(rm -rf y) | cat", "rm", RF, ("y",), ("pipeline", "subshell")),
    # substitutions
    ("echo $(rm -rf /)", "rm", RF, ("/",), ("$()",)),
    ("echo `rm -rf /`", "rm", RF, ("/",), ("``",)),
    ('echo "now: $(rm -rf /)"', "rm", RF, ("/",), ("$()",)),
    ("X=$(rm -rf /)", "rm", RF, ("/",), ("$()",)),
    ("X=$(rm -rf /) ls", "rm", RF, ("/",), ("$()",)),
    ("export X=$(rm -rf /)", "rm", RF, ("/",), ("$()",)),
    ("local x=`rm -rf /`", "rm", RF, ("/",), ("``",)),
    ("diff <(rm -rf a) b", "rm", RF, ("a",), ("<()",)),
    ("tee >(rm -rf a)", "rm", RF, ("a",), (">()",)),
    ("cat $(echo $(rm -rf a))", "rm", RF, ("a",), ("$()", "$()")),
    ("echo ${X:-$(rm -rf a)}", "rm", RF, ("a",), ("$()",)),
    ("echo $((1 + $(rm -rf a)))", "rm", RF, ("a",), ("$()",)),
    ("[[ -n $(rm -rf a) ]]", "rm", RF, ("a",), ("$()",)),
    ("cat > $(rm -rf a)", "rm", RF, ("a",), ("$()",)),
    ("$(rm -rf a) arg", "rm", RF, ("a",), ("$()",)),
    ("echo `rm -rf \\`ls\\``", "ls", set(), (), ("``", "``")),
    # control structures and functions
    ("if true; then rm -rf x; fi", "rm", RF, ("x",), ()),
    ("if rm -rf x; then :; fi", "rm", RF, ("x",), ()),
    ("if a; then b; elif c; then d; else rm -rf x; fi", "rm", RF, ("x",), ()),
    ("while true; do rm -rf x; done", "rm", RF, ("x",), ()),
    ("until false; do rm -rf x; done", "rm", RF, ("x",), ()),
    ('for f in *.tmp; do rm -f "$f"; done', "rm", {"f"}, ("*.tmp",), ()),
    ("for f in $(rm -rf x); do :; done", "rm", RF, ("x",), ("$()",)),
    ("case $x in a) rm -rf x;; esac", "rm", RF, ("x",), ()),
    ("for ((i=0;i<3;i++)); do rm -rf x$i; done", "rm", RF, ("x$i",), ()),
    ("f() { rm -rf x; }", "rm", RF, ("x",), ("function",)),
    ("function g { rm -rf x; }", "rm", RF, ("x",), ("function",)),
    ("f() ( rm -rf x )", "rm", RF, ("x",), ("function", "subshell")),
    ('while read l; do rm -f "$l"; done < list.txt', "rm", {"f"}, ("$l",), ()),
    # strings run as shell code
    ("bash -c 'rm -rf /'", "rm", RF, ("/",), ("bash -c",)),
    ('sh -c "rm -rf /"', "rm", RF, ("/",), ("sh -c",)),
    ("zsh -c 'rm -rf /'", "rm", RF, ("/",), ("zsh -c",)),
    ("dash -c 'rm -rf /'", "rm", RF, ("/",), ("dash -c",)),
    ("bash -lc 'rm -rf /'", "rm", RF, ("/",), ("bash -c",)),
    ("bash -e -c 'rm -rf /' argv0", "rm", RF, ("/",), ("bash -c",)),
    ("bash -o pipefail -c 'rm -rf /'", "rm", RF, ("/",), ("bash -c",)),
    ("/bin/bash -c 'rm -rf /'", "rm", RF, ("/",), ("bash -c",)),
    ("bash -c \"bash -c 'rm -rf /'\"", "rm", RF, ("/",), ("bash -c", "bash -c")),
    ("bash -c 'ls | rm -rf x'", "rm", RF, ("x",), ("bash -c", "pipeline")),
    ("bash -c $'rm -rf /'", "rm", RF, ("/",), ("bash -c",)),
    ("eval 'rm -rf /'", "rm", RF, ("/",), ("eval",)),
    ('eval "rm -rf $DIR"', "rm", RF, ("$DIR",), ("eval",)),
    ("eval rm -rf /", "rm", RF, ("/",), ("eval",)),
    ("sh -c 'eval \"rm -rf /\"'", "rm", RF, ("/",), ("sh -c", "eval")),
    ("fish -c 'rm -rf /'", "rm", RF, ("/",), ("fish -c",)),
    ("su -c 'rm -rf /' root", "rm", RF, ("/",), ("su -c",)),
    ("watch -n 5 'rm -rf /tmp/x'", "rm", RF, ("/tmp/x",), ("watch",)),
    ("flock /tmp/l -c 'rm -rf x'", "rm", RF, ("x",), ("flock -c",)),
    ("git rebase -x 'rm -rf x' main", "rm", RF, ("x",), ("git rebase --exec",)),
    # a shell reading the line's own text on stdin
    ("bash <<EOF\nrm -rf /\nEOF", "rm", RF, ("/",), ("bash stdin",)),
    ("sh <<'EOF'\nrm -rf /\nEOF", "rm", RF, ("/",), ("sh stdin",)),
    ("cat <<EOF | bash\nrm -rf /\nEOF", "rm", RF, ("/",), ("pipeline", "bash stdin")),
    ("bash <<< 'rm -rf /'", "rm", RF, ("/",), ("bash stdin",)),
    ("echo 'rm -rf /' | sh", "rm", RF, ("/",), ("pipeline", "sh stdin")),
    ("printf 'rm -rf /\\n' | bash", "rm", RF, ("/",), ("pipeline", "bash stdin")),
    ("sudo bash <<EOF\nrm -rf /\nEOF", "rm", RF, ("/",), ("sudo", "bash stdin")),
    ("bash -s <<EOF\nrm -rf /\nEOF", "rm", RF, ("/",), ("bash stdin",)),
    ("cat <<EOF\n$(rm -rf /)\nEOF", "rm", RF, ("/",), ("$()",)),
    ("cat <<EOF\n`rm -rf /`\nEOF", "rm", RF, ("/",), ("``",)),
    ("x | cat <<EOF | bash\nrm -rf /\nEOF", "rm", RF, ("/",), ("pipeline", "bash stdin")),
    ("x | sudo bash <<EOF && ls\nrm -rf /\nEOF", "rm", RF, ("/",),
     ("pipeline", "sudo", "bash stdin")),
    ("cat <<EOF | bash | tee x && rm -r y\nls\nEOF", "rm", {"r"}, ("y",), ()),
    ("cat <<EOF > f && rm -r y\nbody\nEOF", "rm", {"r"}, ("y",), ()),
    ("trap 'rm -rf /tmp/x' EXIT", "rm", RF, ("/tmp/x",), ("trap",)),
    # xargs
    ("ls | xargs rm -rf", "rm", RF, (), ("pipeline", "xargs")),
    ("find . | xargs -0 -n 1 rm -f", "rm", {"f"}, (), ("pipeline", "xargs")),
    ("xargs -I{} rm -rf {} < list", "rm", RF, ("{}",), ("xargs",)),
    ("xargs -I {} rm -rf {}", "rm", RF, ("{}",), ("xargs",)),
    ("xargs sh -c 'rm -rf \"$@\"' _", "rm", RF, ("$@",), ("xargs", "sh -c")),
    ("xargs -a files.txt rm", "rm", set(), (), ("xargs",)),
    # find
    ("find . -name '*.pyc' -delete", "find", {"name", "delete"}, (".",), ()),
    ("find . -type f -exec rm -f {} \\;", "rm", {"f"}, ("{}",), ("find -exec",)),
    ("find . -exec rm -rf {} +", "rm", RF, ("{}",), ("find -exec",)),
    ("find /tmp -execdir rm -r {} ';'", "rm", {"r"}, ("{}",), ("find -execdir",)),
    ("find . -ok rm {} \\;", "rm", set(), ("{}",), ("find -ok",)),
    ("find . -exec sh -c 'rm -rf \"$1\"' _ {} \\;", "rm", RF, ("{}",),
     ("find -exec", "sh -c")),
    ("find . -exec grep -l x {} \\; -exec rm {} \\;", "rm", set(), ("{}",), ("find -exec",)),
    ("find -L . -maxdepth 2 -print", "find", {"L", "maxdepth", "print"}, (".",), ()),
    # wrappers
    ("sudo rm -rf /", "rm", RF, ("/",), ("sudo",)),
    ("sudo -u root -E rm -rf /", "rm", RF, ("/",), ("sudo",)),
    ("sudo -- rm -rf /", "rm", RF, ("/",), ("sudo",)),
    ("sudo FOO=1 rm -rf /", "rm", RF, ("/",), ("sudo",)),
    ("doas rm -rf /", "rm", RF, ("/",), ("doas",)),
    ("env rm -rf /", "rm", RF, ("/",), ("env",)),
    ("env -i PATH=/bin rm -rf /", "rm", RF, ("/",), ("env",)),
    ("/usr/bin/env rm -rf /", "rm", RF, ("/",), ("env",)),
    ("env -u HOME -C /tmp rm -rf x", "rm", RF, ("x",), ("env",)),
    ("env -- rm -rf /", "rm", RF, ("/",), ("env",)),
    ("env -S 'rm -rf /'", "rm", RF, ("/",), ("env -S",)),
    ("nice -n 10 rm -rf /", "rm", RF, ("/",), ("nice",)),
    ("nice -10 rm -rf /", "rm", RF, ("/",), ("nice",)),
    ("nohup rm -rf / &", "rm", RF, ("/",), ("nohup",)),
    ("timeout 5 rm -rf /", "rm", RF, ("/",), ("timeout",)),
    ("timeout -s KILL -k 2 5s rm -rf /", "rm", RF, ("/",), ("timeout",)),
    ("timeout --signal=TERM 5 rm -rf /", "rm", RF, ("/",), ("timeout",)),
    ("time rm -rf /", "rm", RF, ("/",), ("time",)),
    ("time -p rm -rf /", "rm", RF, ("/",), ("time",)),
    ("command rm -rf /", "rm", RF, ("/",), ("command",)),
    ("command -p rm -rf /", "rm", RF, ("/",), ("command",)),
    ("exec rm -rf /", "rm", RF, ("/",), ("exec",)),
    ("exec -a foo rm -rf /", "rm", RF, ("/",), ("exec",)),
    ("stdbuf -oL rm -rf /", "rm", RF, ("/",), ("stdbuf",)),
    ("stdbuf -o L -e 0 rm -rf /", "rm", RF, ("/",), ("stdbuf",)),
    ("ionice -c 3 rm -rf /", "rm", RF, ("/",), ("ionice",)),
    ("setsid rm -rf /", "rm", RF, ("/",), ("setsid",)),
    ("coproc rm -rf /", "rm", RF, ("/",), ("coproc",)),
    ("(( x = $(rm -rf y) ))", "rm", RF, ("y",), ("$()",)),
    ("a=($(rm -rf arr))", "rm", RF, ("arr",), ("$()",)),
    ("readonly R=$(rm -rf r)", "rm", RF, ("r",), ("$()",)),
    ("chroot /mnt rm -rf /", "rm", RF, ("/",), ("chroot",)),
    ("busybox rm -rf /", "rm", RF, ("/",), ("busybox",)),
    ("pkexec rm -rf /", "rm", RF, ("/",), ("pkexec",)),
    ("runuser -u bob -- rm -rf x", "rm", RF, ("x",), ("runuser",)),
    ("builtin eval 'rm -rf /'", "rm", RF, ("/",), ("builtin", "eval")),
    ("sudo timeout 5 nice rm -rf /", "rm", RF, ("/",), ("sudo", "timeout", "nice")),
    ("sudo bash -c 'rm -rf /'", "rm", RF, ("/",), ("sudo", "bash -c")),
    ("busybox sh -c 'rm -rf /'", "rm", RF, ("/",), ("busybox", "sh -c")),
    ("sudo xargs rm < list", "rm", set(), (), ("sudo", "xargs")),
    # the keywords `time` and `coproc` before a compound command, and `!` before one
    ("time { rm -rf /; }", "rm", RF, ("/",), ("time",)),
    ("time -p { rm -rf /; }", "rm", RF, ("/",), ("time",)),
    ("time -p { rm -rf /; }", "time", {"p"}, (), ()),
    ("time { rm -rf /; } | cat", "rm", RF, ("/",), ("pipeline", "time")),
    ("a && time { rm -rf /; } > log", "rm", RF, ("/",), ("time",)),
    ("time (rm -rf /)", "rm", RF, ("/",), ("time", "subshell")),
    ("time for d in a; do rm -rf $d; done", "rm", RF, ("a",), ("time",)),
    ("time if true; then rm -rf /; fi", "rm", RF, ("/",), ("time",)),
    ("time ! rm -rf /", "rm", RF, ("/",), ("time",)),
    ("time \\\n{ rm -rf /; }", "rm", RF, ("/",), ("time",)),
    ("{ time { rm -rf /; }; }", "rm", RF, ("/",), ("time",)),
    ("time { time { rm -rf /; }; }", "rm", RF, ("/",), ("time", "time")),
    ("echo $(time { rm -rf /; })", "rm", RF, ("/",), ("$()", "time")),
    ("bash -c 'time { rm -rf /; }'", "rm", RF, ("/",), ("bash -c", "time")),
    ("coproc { rm -rf /; }", "rm", RF, ("/",), ("coproc",)),
    ("coproc NAME { rm -rf /; }", "rm", RF, ("/",), ("coproc",)),
    ("coproc NAME { rm -rf /; }", "coproc", set(), ("NAME",), ()),
    ("coproc NAME (rm -rf /)", "rm", RF, ("/",), ("coproc", "subshell")),
    ("coproc (rm -rf /)", "rm", RF, ("/",), ("coproc", "subshell")),
    ("coproc while true; do rm -rf /; done", "rm", RF, ("/",), ("coproc",)),
    ("! { rm -rf /; }", "rm", RF, ("/",), ()),
    ("! if true; then rm -rf /; fi", "rm", RF, ("/",), ()),
    ("a || ! ! { rm -rf /; }", "rm", RF, ("/",), ()),
    ("! ! rm -rf /", "rm", RF, ("/",), ()),
    ("time { coproc N { time -p { rm -rf /; }; }; }", "rm", RF, ("/",),
     ("time", "coproc", "time")),
    # tracers, sandboxes and other wrappers
    ("strace rm -rf /", "rm", RF, ("/",), ("strace",)),
    ("strace -f -o trace.log -e trace=file -s 200 rm -rf /", "rm", RF, ("/",), ("strace",)),
    ("strace -f -o trace.log rm -rf /", "strace", {"f", "o"}, ("rm", "-rf", "/"), ()),
    ("strace -o '|rm -rf /' ls", "rm", RF, ("/",), ("strace -o",)),
    ("sudo strace -f -- rm -rf /", "rm", RF, ("/",), ("sudo", "strace")),
    ("ltrace -o out -n 2 -e malloc rm -rf /", "rm", RF, ("/",), ("ltrace",)),
    ("valgrind --tool=memcheck --leak-check=full -q rm -rf /", "rm", RF, ("/",),
     ("valgrind",)),
    ("catchsegv rm -rf /", "rm", RF, ("/",), ("catchsegv",)),
    ("unbuffer -p rm -rf /", "rm", RF, ("/",), ("unbuffer",)),
    ("unbuffer -ignore HUP rm -rf /", "rm", RF, ("/",), ("unbuffer",)),
    ("faketime '2020-01-01 10:00:00' rm -rf /", "rm", RF, ("/",), ("faketime",)),
    ("faketime -f -1d rm -rf /", "rm", RF, ("/",), ("faketime",)),
    ("firejail --noprofile --private=/tmp/x rm -rf /", "rm", RF, ("/",), ("firejail",)),
    ("firejail -c 'rm -rf /'", "rm", RF, ("/",), ("firejail -c",)),
    ("proot -r /rootfs -b /dev -w / rm -rf /", "rm", RF, ("/",), ("proot",)),
    ("proot -0 -R /rootfs rm -rf /", "rm", RF, ("/",), ("proot",)),
    ("fakeroot -l lib.so -- rm -rf /", "rm", RF, ("/",), ("fakeroot",)),
    ("proxychains4 -q -f p.conf rm -rf /", "rm", RF, ("/",), ("proxychains4",)),
    ("torsocks -P 9050 rm -rf /", "rm", RF, ("/",), ("torsocks",)),
    ("unshare -r -w /x rm -rf /", "rm", RF, ("/",), ("unshare",)),
    ("nsenter -t 1 -m -u rm -rf /", "rm", RF, ("/",), ("nsenter",)),
    ("taskset -c 0-3 rm -rf /", "rm", RF, ("/",), ("taskset",)),
    ("taskset 0x3 rm -rf /", "rm", RF, ("/",), ("taskset",)),
    ("chrt -r 10 rm -rf /", "rm", RF, ("/",), ("chrt",)),
    ("chrt --idle 0 rm -rf /", "rm", RF, ("/",), ("chrt",)),
    ("systemd-run --user --unit job -p MemoryMax=1G rm -rf /", "rm", RF, ("/",),
     ("systemd-run",)),
    ("xvfb-run -a -s '-screen 0 1024x768x24' rm -rf /", "rm", RF, ("/",), ("xvfb-run",)),
    ("gosu app rm -rf /", "rm", RF, ("/",), ("gosu",)),
    # script runs its -c string with a shell; BSD/macOS script FILE CMD runs CMD
    ("script -qc 'rm -rf /' /dev/null", "rm", RF, ("/",), ("script -c",)),
    ("script -q -c 'rm -rf /' log", "rm", RF, ("/",), ("script -c",)),
    ("script --command 'rm -rf /'", "rm", RF, ("/",), ("script -c",)),
    ("script --command='rm -rf /' -q log", "rm", RF, ("/",), ("script -c",)),
    ("script -q /dev/null rm -rf /", "rm", RF, ("/",), ("script",)),
    ("script -q log <<EOF\nrm -rf /\nEOF", "rm", RF, ("/",), ("script stdin",)),
    # GNU parallel and sem join the command's words and run them with a shell
    ("parallel rm -rf ::: /", "rm", RF, (), ("parallel",)),
    ("parallel -j4 --joblog j.log rm -rf :::: dirs.txt", "rm", RF, (), ("parallel",)),
    ("ls | parallel rm -rf", "rm", RF, (), ("pipeline", "parallel")),
    ("parallel 'rm -rf {}' ::: a b", "rm", RF, ("{}",), ("parallel",)),
    ("parallel -q rm -rf ::: /", "rm", RF, (), ("parallel",)),
    ("parallel ::: 'rm -rf /' ls", "rm", RF, ("/",), ("parallel",)),
    ("echo 'rm -rf /' | parallel", "rm", RF, ("/",), ("pipeline", "parallel stdin")),
    ("sem -j2 rm -rf /", "rm", RF, ("/",), ("sem",)),
    # a program named by an expansion may be a shell: its -c string is read as shell code
    ("\"$SHELL\" -c 'rm -rf /'", "rm", RF, ("/",), ("$SHELL -c",)),
    ("$SHELL -c 'rm -rf /'", "rm", RF, ("/",), ("$SHELL -c",)),
    ("${SHELL} -c 'rm -rf /'", "rm", RF, ("/",), ("${SHELL} -c",)),
    ("\"$BASH\" -lc 'rm -rf /'", "rm", RF, ("/",), ("$BASH -c",)),
    ("$X -o pipefail -c 'rm -rf /'", "rm", RF, ("/",), ("$X -c",)),
    ("$(which bash) -c 'rm -rf /'", "rm", RF, ("/",), ("bash -c",)),
    ("sudo \"$SHELL\" -c 'rm -rf /'", "rm", RF, ("/",), ("sudo", "$SHELL -c")),
    ("\"$SHELL\" -c 'rm -rf /'", "$SHELL", {"c"}, ("rm -rf /",), ()),
    ("\"$PYTHON\" -m pytest -r a", "$PYTHON", {"m", "r"}, ("pytest", "a"), ()),
    # a `~` starting a word, where tree-sitter reads an operator
    ("rm -rf ~", "rm", RF, ("~",), ()),
    ("[ -d ~ ] && rm -rf ~", "rm", RF, ("~",), ()),
    ("[ -d ~ ] && echo yes", "echo", set(), ("yes",), ()),
    ("[[ -d ~ ]] && echo yes", "echo", set(), ("yes",), ()),
    ("if [ -d ~+ ]; then rm -rf ~/x; fi", "rm", RF, ("~/x",), ()),
    # the wrapper is a command too
    ("sudo rm -rf /", "sudo", set(), ("rm", "-rf", "/"), ()),
    ("timeout -s KILL 5 rm x", "timeout", {"s"}, ("5", "rm", "x"), ()),
    ("xargs -0 rm", "xargs", {"0"}, ("rm",), ()),
    ("bash -c 'rm -rf /'", "bash", {"c"}, ("rm -rf /",), ()),
    # git and other subcommand tools
    ("git push --force origin main", "git", {"f"}, ("push", "origin", "main"), ()),
    ("git push -f", "git", {"f"}, ("push",), ()),
    ("git push origin +main", "git", {"f"}, ("push", "origin", "+main"), ()),
    ("git push --force-with-lease origin main", "git", {"force-with-lease"},
     ("push", "origin", "main"), ()),
    ("git push --force-with-lease=main:abc origin", "git", {"force-with-lease"},
     ("push", "origin"), ()),
    ("git push origin :old", "git", {"d"}, ("push", "origin", ":old"), ()),
    ("git push --delete origin x", "git", {"d"}, ("push", "origin", "x"), ()),
    ("git -C /repo push -f", "git", {"C", "f"}, ("push",), ()),
    ("git -c user.name=x commit -m 'rm -rf /'", "git", {"c", "m"}, ("commit",), ()),
    ("git --git-dir=/x/.git --work-tree /x reset --hard HEAD~1", "git",
     {"git-dir", "work-tree", "hard"}, ("reset", "HEAD~1"), ()),
    ("git --no-pager log -n 5", "git", {"P", "n"}, ("log",), ()),
    ("git clean -fdx", "git", {"f", "d", "x"}, ("clean",), ()),
    ("git clean --force -d -x", "git", {"f", "d", "x"}, ("clean",), ()),
    ("git reset --hard", "git", {"hard"}, ("reset",), ()),
    ("git checkout -- .", "git", set(), ("checkout", "."), ()),
    ("git checkout -b feature", "git", {"b"}, ("checkout",), ()),
    ("git restore --staged --worktree .", "git", {"S", "W"}, ("restore", "."), ()),
    ("git commit -am 'fix it'", "git", {"a", "m"}, ("commit",), ()),
    ("git branch -D old", "git", {"D"}, ("branch", "old"), ()),
    ("git stash drop", "git", set(), ("stash", "drop"), ()),
    ("docker -H tcp://x run --rm -it -v /:/host alpine sh", "docker",
     {"H", "rm", "i", "t", "v"}, ("run", "alpine", "sh"), ()),
    ("kubectl -n prod delete pod web-1", "kubectl", {"n"}, ("delete", "pod", "web-1"), ()),
    ("kubectl delete -f deploy.yaml --namespace prod", "kubectl", {"f", "n"}, ("delete",), ()),
    # other tables
    ("chmod -R 777 /", "chmod", {"R"}, ("777", "/"), ()),
    ("chmod --recursive u+x bin", "chmod", {"R"}, ("u+x", "bin"), ()),
    ("chmod -x script.sh", "chmod", set(), ("-x", "script.sh"), ()),
    ("chown -R user:group /srv", "chown", {"R"}, ("user:group", "/srv"), ()),
    ("cp -a src dst", "cp", {"a"}, ("src", "dst"), ()),
    ("cp --recursive --force a b", "cp", RF, ("a", "b"), ()),
    ("cp -t /dest a b", "cp", {"t"}, ("a", "b"), ()),
    ("mv -f a b", "mv", {"f"}, ("a", "b"), ()),
    ("mv --target-directory=/d a", "mv", {"t"}, ("a",), ()),
    ("curl -sSLo out.sh https://x", "curl", {"s", "S", "L", "o"}, ("https://x",), ()),
    ("curl --output out.sh https://x", "curl", {"o"}, ("https://x",), ()),
    ("curl -X DELETE https://api", "curl", {"X"}, ("https://api",), ()),
    ("wget -qO- https://x", "wget", {"q", "O"}, ("https://x",), ()),
    ("tar -czf out.tgz src", "tar", {"c", "z", "f"}, ("src",), ()),
    ("tar xzf a.tgz", "tar", {"x", "z", "f"}, (), ()),
    ("sed -i.bak 's/a/b/' f", "sed", {"i"}, ("s/a/b/", "f"), ()),
    ("sed -i -e 's/a/b/' f", "sed", {"i", "e"}, ("f",), ()),
    ("grep -rn -e pattern src", "grep", {"r", "n", "e"}, ("src",), ()),
    ("kill -9 1234", "kill", {"9"}, ("1234",), ()),
    ("head -n 5 file", "head", {"n"}, ("file",), ()),
    ("python -c 'import os' arg", "python", {"c"}, ("arg",), ()),
    ("ls -- -la", "ls", set(), ("-la",), ()),
    ("echo -", "echo", set(), ("-",), ()),
]


def _shape(line):
    return [(c.program, set(c.flags), c.positionals, c.via) for c in line.commands]


@pytest.mark.parametrize(("src", "program", "flags", "positionals", "via"), SEEN,
                         ids=[row[0] for row in SEEN])
def test_command_is_seen(src, program, flags, positionals, via):
    line = parse_command_line(src)
    assert line.error is None
    assert (program, flags, positionals, via) in _shape(line)


DATA = [
    # (line, program that must NOT be found)
    ("cat <<EOF\nrm -rf /\nEOF", "rm"),
    ("cat <<'EOF'\n$(rm -rf /)\nEOF", "rm"),
    ("cat <<\"EOF\"\n`rm -rf /`\nEOF", "rm"),
    ("echo 'rm -rf /' >> notes.md", "rm"),
    ('git commit -m "rm -rf /"', "rm"),
    ('echo "rm -rf /"', "rm"),
    ("echo rm -rf /", "rm"),
    ("printf '%s' 'rm -rf /'", "rm"),
    ("grep -r 'rm -rf' .", "rm"),
    ("# rm -rf /", "rm"),
    ("ls # ; rm -rf /", "rm"),
    ("bash script.sh", "rm"),
    ("command -v rm", "rm"),
    ("type rm", "rm"),
    ("man rm", "rm"),
    ("python -c 'rm -rf /'", "rm"),
    ("ssh host 'rm -rf /'", "rm"),
    ("echo 'rm -rf /' | cat", "rm"),
    ("cat <<EOF | grep rm\nrm -rf /\nEOF", "rm"),
    ("alias rm='rm -i'", "rm"),
    ("echo '$(rm -rf /)'", "rm"),
    ("echo \\$HOME '$(rm -rf /)'", "rm"),
    ("sudo -e rm", "rm"),
    ("cat <<EOF | a | bash\nrm -rf /\nEOF", "rm"),     # bash reads a's output, not the text
    ("curl -fsSL https://x/install.sh | sh", "install.sh"),
    ("trap - EXIT", "EXIT"),
    ("git commit -m 'time { rm -rf /; }'", "rm"),
    ("strace -p 1234", "1234"),
    ("taskset -p 0x3 1234", "1234"),
    ("chrt -p 10 1234", "1234"),
    ('"$EDITOR" notes.md', "notes.md"),
    ("$PAGER <<EOF\nrm -rf /\nEOF", "rm"),     # only -c of an unknown program is followed
    ("sem --wait", "--wait"),
]


@pytest.mark.parametrize(("src", "program"), DATA, ids=[row[0] for row in DATA])
def test_data_is_not_a_command(src, program):
    line = parse_command_line(src)
    assert program not in line.programs()


def test_wrapped_command_text_is_its_own_slice():
    line = parse_command_line("sudo -u x nice rm -rf / ; find . -exec rm {} \\;")
    texts = [(c.program, c.via, c.text) for c in line.commands]
    assert ("rm", ("sudo", "nice"), "rm -rf /") in texts
    assert ("rm", ("find -exec",), "rm {}") in texts
    assert ("sudo", (), "sudo -u x nice rm -rf /") in texts


def test_keyword_before_a_group_is_a_command_then_its_body():
    line = parse_command_line("a; time -p { rm -rf /; } > log; coproc NAME { ls; }")
    assert line.error is None
    assert line.programs() == ("a", "time", "rm", "coproc", "ls")
    time, coproc = line.commands[1], line.commands[3]
    assert (time.argv, time.text) == (("time", "-p"), "time -p { rm -rf /; }")
    assert (coproc.argv, coproc.text) == (("coproc", "NAME"), "coproc NAME { ls; }")
    assert [w.target for w in line.writes] == ["log"]


def test_strings_run_by_a_shell_keep_their_text():
    line = parse_command_line("parallel -j2 rm -rf ::: a; \"$SHELL\" -c 'ls -l'")
    texts = [(c.program, c.via, c.text) for c in line.commands]
    assert ("rm", ("parallel",), "rm -rf") in texts
    assert ("ls", ("$SHELL -c",), "ls -l") in texts


def test_argv_has_quotes_removed_and_expansions_kept():
    (cmd,) = parse_command_line("""printf 'a b' "c $HOME" $'d\\te' \\$x "q\\"t" """).commands
    assert cmd.argv == ("printf", "a b", "c $HOME", "d\te", "$x", 'q"t')


def test_option_values_are_kept():
    (cmd,) = parse_command_line("git -C /repo commit -m 'fix: it' --author=me").commands
    assert cmd.subcommand == "commit"
    assert dict(cmd.flag_values) == {"C": "/repo", "m": "fix: it", "author": "me"}


def test_subcommand_skips_global_options():
    line = parse_command_line("git -C dir -c a=b --git-dir=.git --no-pager push origin")
    assert line.commands[0].subcommand == "push"


def test_parse_is_cached():
    assert parse_command_line("ls -la") is parse_command_line("ls -la")


def test_order_and_count_for_a_mixed_line():
    line = parse_command_line("cd src && sudo make install | tee log; echo $(date)")
    assert sorted(line.programs()) == sorted(
        ["cd", "sudo", "make", "tee", "echo", "date"])
