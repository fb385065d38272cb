#!/bin/sh
# Checks that two builds of cxone-flow write byte-for-byte the same JSON reports (and exit codes),
# JUnit and SARIF files, with and without --details, on every shape of the check_command
# benchmark's corpora and on the examples and fixtures. An optimisation must leave every report as
# it was.
# Usage: bench/same-reports.sh OLD_BINARY NEW_BINARY [CORPORA]
# CORPORA (default target/shapes) is written first if missing, with
#   BENCH_CORPUS_ONLY=target/shapes cargo bench --bench check_command
# (FLOWS=100 there for a quicker check; SHAPES= to pick shapes).
set -eu
old=$1
new=$2
corpora=${3:-target/shapes}
if [ ! -d "$corpora" ]; then
    BENCH_CORPUS_ONLY="$corpora" cargo bench --bench check_command
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
failed=0
checked=0
for dir in "$corpora"/*/ examples/flows examples/studio tests/fixtures; do
    for details in "" --details; do
        for build in old new; do
            eval binary=\$$build
            set +e
            "$binary" check --format json --junit "$out/$build.xml" --sarif "$out/$build.sarif" \
                --max-decision-nodes 100000 --max-menu-depth 100000 --max-execution-ms 3600000 \
                $details "$dir" >"$out/$build.json" 2>/dev/null
            echo "exit $?" >>"$out/$build.json"
            set -e
        done
        for report in json xml sarif; do
            checked=$((checked + 1))
            if ! cmp -s "$out/old.$report" "$out/new.$report"; then
                echo "DIFFERENT: $dir $details ($report)"
                cmp "$out/old.$report" "$out/new.$report" || true
                failed=1
            fi
        done
    done
done
if [ "$failed" -eq 0 ]; then
    echo "the same: $checked reports (JSON with the exit code, JUnit, SARIF; every folder with and without --details), byte for byte"
fi
exit "$failed"
