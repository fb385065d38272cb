"""The declared rust-version must not be below what any dependency in Cargo.lock declares.

Clippy's incompatible_msrv lint (run with -D warnings) checks the project's own use of the standard
library against the same rust-version; together they keep the declaration honest without a second
toolchain. Reads `cargo metadata --format-version 1 --locked` on stdin.
"""
import json
import sys


def version(text):
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


metadata = json.load(sys.stdin)
members = set(metadata["workspace_members"])
declared = {p["name"]: p.get("rust_version") for p in metadata["packages"] if p["id"] in members}
missing = [name for name, v in declared.items() if not v]
if missing:
    sys.exit(f"rust-version is not declared by: {', '.join(missing)}")
floor = min(version(v) for v in declared.values())
needs = [
    (p["rust_version"], p["name"], p["version"])
    for p in metadata["packages"]
    if p["id"] not in members and p.get("rust_version") and version(p["rust_version"]) > floor
]
if needs:
    sys.exit(
        "dependencies need a newer Rust than the declared rust-version "
        + ", ".join(f"{v}" for v in sorted(set(declared.values())))
        + ": "
        + ", ".join(f"{n} {v} needs {r}" for r, n, v in sorted(needs))
    )
print(f"rust-version {'.'.join(map(str, floor))}: every dependency in Cargo.lock builds with it")
