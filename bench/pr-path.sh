#!/bin/sh
# The Action's pull-request path on a large repository: a Git repository of COUNT (10000) flows with
# their test files, or (KIND=scripts) COUNT Studio scripts, of which a pull request changes 3; the
# Action runs on a clone of it as on a runner (every object in one pack, as a fetch leaves them; a
# pull_request event, no token: the changed files come from git diff); then the Action checks the
# same 3 files in a folder that holds only them and their test files (a push run: its summary,
# annotations and report files, without the pull request's path), and the CLI checks them, with the
# JSON report only and with the Action's three report files. Prints each one's median time (RUNS, 7
# by default) and what each opened and read (strace -c -f, when strace is there).
# The files are copies of the examples (examples/flows/main-ivr, examples/studio/acme_main_ivr), all
# in one folder, or spread over FOLDERS folders under it (git then reads only the changed ones' trees).
# Usage: bench/pr-path.sh BINARY [WORKDIR]     (COUNT=10000 KIND=flows|scripts FOLDERS=1 RUNS=7; run from the repository)
set -eu
binary=$(realpath "$1")
work=${2:-$(mktemp -d)}
count=${COUNT:-10000}
kind=${KIND:-flows}
folders=${FOLDERS:-1}
layout=$kind-$count
if [ "$folders" -gt 1 ]; then layout=$layout-in-$folders; fi
repo="$work/repo-$layout"
if [ ! -d "$repo/.git" ]; then
    mkdir -p "$repo/flows"
    # Each file a copy of the example's, its name and ids numbered.
    case $kind in
    scripts) template="examples/studio/acme_main_ivr.json examples/studio/acme_main_ivr.tests.json" ;;
    *) template="examples/flows/main-ivr.flow.json examples/flows/main-ivr.tests.json" ;;
    esac
    i=0
    while [ "$i" -lt "$count" ]; do
        n=$(printf %05d "$i")
        folder="$repo/flows"
        if [ "$folders" -gt 1 ]; then folder="$folder/$(printf %04d $((i % folders)))"; fi
        mkdir -p "$folder"
        for file in $template; do
            name=$(basename "$file" | sed "s/main[-_]ivr/&-$n/")
            sed "s/main[-_]ivr/&-$n/g" "$file" >"$folder/$name"
        done
        i=$((i + 1))
    done
    git -C "$repo" init -q
    git -C "$repo" add -A
    git -C "$repo" -c user.name=b -c user.email=b@b commit -qm base
    for n in 00001 00002 00003; do
        for file in "$repo"/flows/*"-$n.flow.json" "$repo"/flows/*"-$n.json" "$repo"/flows/*/*"-$n.flow.json" "$repo"/flows/*/*"-$n.json"; do
            if [ -f "$file" ]; then printf '\n' >>"$file"; fi
        done
    done
    git -C "$repo" -c user.name=b -c user.email=b@b commit -qam change
fi
# The runner's checkout: fetched, so packed (`git diff` reads fewer bytes than from loose objects).
checkout="$work/checkout-$layout"
if [ ! -d "$checkout/.git" ]; then
    git clone -q --no-local "$repo" "$checkout"
fi
base=$(git -C "$repo" rev-parse HEAD~1)
head=$(git -C "$repo" rev-parse HEAD)
printf '{"number": 1, "pull_request": {"number": 1, "changed_files": 3, "base": {"sha": "%s"}, "head": {"sha": "%s"}}}\n' \
    "$base" "$head" >"$work/event.json"
# The Action as the runner starts it: no arguments, the event in a file, inputs as variables, the
# commit checked out in GITHUB_SHA (a runner always sets it).
action() {
    env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=pull_request GITHUB_EVENT_PATH="$work/event.json" \
        GITHUB_SHA="$head" GITHUB_WORKSPACE="$checkout" INPUT_PATHS=flows INPUT_MAX_MENU_DEPTH=100000 "$@" "$binary"
}
changed=$(git -C "$checkout" diff --name-only HEAD~1 HEAD | sed "s|^|$checkout/|")
# The 3 files and their test files alone, where the Action checks them on a push.
three="$work/three-$layout"
if [ ! -d "$three" ]; then
    for file in $changed; do
        path=${file#"$checkout"/}
        stem=${path%.json}
        stem=${stem%.flow}
        mkdir -p "$three/$(dirname "$path")"
        cp "$file" "$three/$path"
        if [ -f "$checkout/$stem.tests.json" ]; then cp "$checkout/$stem.tests.json" "$three/$stem.tests.json"; fi
    done
fi
three() {
    env -i PATH="$PATH" GITHUB_ACTIONS=true GITHUB_EVENT_NAME=push GITHUB_SHA="$head" GITHUB_WORKSPACE="$three" \
        INPUT_PATHS=flows INPUT_MAX_MENU_DEPTH=100000 "$@" "$binary"
}
# The CLI on the changed files alone.
alone() {
    # shellcheck disable=SC2086
    "$@" "$binary" check --format json --max-menu-depth 100000 $changed
}
# The same, writing the JUnit and SARIF files the Action writes beside the JSON.
reports() {
    # shellcheck disable=SC2086
    "$@" "$binary" check --format json --junit "$work/alone.xml" --sarif "$work/alone.sarif" --max-menu-depth 100000 $changed
}
# RUNS runs of each, in turn; then the median wall and CPU of each (with the load average: on a
# busy host the wall time is the host's). GNU time counts in hundredths of a second, too coarse for
# runs of a few milliseconds: where perf works, `perf stat -r RUNS` gives each one's mean in
# milliseconds instead (the git processes the Action starts counted with it).
runs=${RUNS:-7}
if perf stat -e task-clock true >/dev/null 2>&1; then
    for what in action three alone reports; do
        $what perf stat -r "$runs" -e task-clock -o "$work/$what.perf" >/dev/null 2>&1 || true
        cpu=$(awk '/task-clock/ { print $1 }' "$work/$what.perf")
        wall=$(awk '/time elapsed/ { print $1 * 1000 }' "$work/$what.perf")
        printf '%-7s mean of %s runs (perf stat): %s ms wall, %s ms CPU\n' "$what" "$runs" "$wall" "$cpu"
        rm -f "$work/$what.perf"
    done
else
    rm -f "$work/action.times" "$work/three.times" "$work/alone.times" "$work/reports.times"
    run=0
    while [ "$run" -lt "$runs" ]; do
        action /usr/bin/time -a -o "$work/action.times" -f "%e %U %S %M" >/dev/null || true
        three /usr/bin/time -a -o "$work/three.times" -f "%e %U %S %M" >/dev/null || true
        alone /usr/bin/time -a -o "$work/alone.times" -f "%e %U %S %M" >/dev/null || true
        reports /usr/bin/time -a -o "$work/reports.times" -f "%e %U %S %M" >/dev/null || true
        run=$((run + 1))
    done
    median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
    for what in action three alone reports; do
        # GNU time writes a line of its own before a failing command's figures.
        grep -v '^Command' "$work/$what.times" >"$work/$what.figures"
        wall=$(cut -d' ' -f1 "$work/$what.figures" | median)
        cpu=$(awk '{ print $2 + $3 }' "$work/$what.figures" | median)
        peak=$(cut -d' ' -f4 "$work/$what.figures" | median)
        printf '%-7s median of %s runs: %s s wall, %s s CPU (user+sys), %s KiB peak\n' "$what" "$runs" "$wall" "$cpu" "$peak"
        rm -f "$work/$what.times" "$work/$what.figures"
    done
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if command -v strace >/dev/null; then
    for what in action alone; do
        echo "$what: system calls (strace -c -f), the most frequent:"
        $what strace -f -c -o "$work/$what.strace" >/dev/null 2>&1 || true
        sort -k4 -n -r "$work/$what.strace" | head -6
    done
fi
