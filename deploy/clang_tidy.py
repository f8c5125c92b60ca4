#!/usr/bin/env python3
"""Runs clang-tidy (.clang-tidy) on every project source of a build, in parallel.

    deploy/clang_tidy.py BUILD_DIR [-j JOBS] [FILE ...]

Sources are the project's own .cc files in BUILD_DIR/compile_commands.json:
not tests (*_test.cc), not generated code, not fuzz targets. A file that passed
is remembered under ~/.cache/stadt-clang-tidy (STADT_TIDY_CACHE) by a hash of
everything its result depends on: the check configuration, clang-tidy's
version, its compile command, its text and the text of every project header
it includes (read from the build's dependency records). So a second run checks
only what changed, like ccache for the compiler; a cold run checks the tree.
Exits 1 when any file has a finding.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys


def project_sources(build_dir, root, only):
    with open(os.path.join(build_dir, "compile_commands.json")) as f:
        entries = json.load(f)
    chosen = []
    for entry in entries:
        path = os.path.realpath(entry["file"])
        rel = os.path.relpath(path, root)
        if rel.startswith("..") or rel.startswith("build") or rel.startswith("fuzz/"):
            continue
        if rel.endswith("_test.cc") or rel.startswith("tests/"):
            continue
        if only and rel not in only:
            continue
        chosen.append((rel, entry))
    return sorted(chosen, key=lambda item: item[0])


def header_dependencies(build_dir):
    """object file -> project headers it includes, from ninja's records."""
    out = subprocess.run(["ninja", "-C", build_dir, "-t", "deps"], capture_output=True,
                         text=True, check=True).stdout
    deps, current = {}, None
    for line in out.splitlines():
        if line and not line.startswith(" "):
            current = line.split(":", 1)[0]
            deps[current] = []
        elif current and line.strip():
            deps[current].append(line.strip())
    return deps


def object_of(command):
    words = shlex.split(command)
    return words[words.index("-o") + 1] if "-o" in words else None


def cache_key(rel, entry, root, build_dir, deps, config):
    digest = hashlib.sha256(config)
    # Paths below the checkout are hashed relative to it, so clones share results.
    digest.update(entry["command"].replace(root, ".").encode())
    with open(os.path.join(root, rel), "rb") as f:
        digest.update(f.read())
    for header in sorted(deps.get(object_of(entry["command"]), [])):
        path = header if os.path.isabs(header) else os.path.join(build_dir, header)
        path = os.path.realpath(path)
        if path.startswith(root + os.sep) and os.path.exists(path):
            digest.update(os.path.relpath(path, root).encode())
            with open(path, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()


def run_tidy(build_dir, rel, root):
    result = subprocess.run(["clang-tidy", "--quiet", "-p", build_dir, rel], cwd=root,
                            capture_output=True, text=True)
    findings = [line for line in result.stdout.splitlines()
                if re.search(r"(warning|error):", line) or line.startswith(" ")]
    return result.returncode, "\n".join(findings) if result.returncode else ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build_dir")
    parser.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("STADT_JOBS", "2")))
    parser.add_argument("files", nargs="*", help="only these sources (relative paths)")
    args = parser.parse_intermixed_args()
    root = os.path.realpath(os.path.join(os.path.dirname(__file__), ".."))
    build_dir = os.path.realpath(args.build_dir)
    cache = os.environ.get("STADT_TIDY_CACHE",
                           os.path.expanduser("~/.cache/stadt-clang-tidy"))
    os.makedirs(cache, exist_ok=True)

    version = subprocess.run(["clang-tidy", "--version"], capture_output=True, text=True).stdout
    with open(os.path.join(root, ".clang-tidy"), "rb") as f:
        config = f.read() + version.encode()
    deps = header_dependencies(build_dir)
    sources = project_sources(build_dir, root, set(args.files))

    pending = []
    for rel, entry in sources:
        key = cache_key(rel, entry, root, build_dir, deps, config)
        if not os.path.exists(os.path.join(cache, key)):
            pending.append((rel, key))
    print(f"clang-tidy: {len(sources)} sources, {len(sources) - len(pending)} unchanged "
          f"since a clean run, checking {len(pending)}", flush=True)

    failed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = {pool.submit(run_tidy, build_dir, rel, root): (rel, key) for rel, key in pending}
        for future in concurrent.futures.as_completed(futures):
            rel, key = futures[future]
            code, findings = future.result()
            if code == 0:
                open(os.path.join(cache, key), "w").close()
            else:
                failed.append(rel)
                print(f"clang-tidy: {rel}\n{findings}", flush=True)
    if failed:
        print(f"clang-tidy: findings in {len(failed)} file(s): {' '.join(sorted(failed))}")
        return 1
    print("clang-tidy: clean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
