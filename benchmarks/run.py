#!/usr/bin/env python3
"""Run the benchmarks: every benchmarks/<name>/bench.py, or those named on the command
line; print a table and, with --out, write the results as JSON.

A benchmark exposes `run(ctx) -> list[dict]` (see questv.bench). One that
fails is reported as failed, the others still run, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from questv.bench import BenchContext, check_results

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "benchmarks"


def discover(bench_dir: Path = BENCH_DIR) -> dict[str, Path]:
    """Benchmark name (its folder) -> its bench.py, in name order."""
    return {p.parent.name: p for p in sorted(bench_dir.glob("*/bench.py"))}


def load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "run", None)):
        raise TypeError(f"{path} has no run(ctx) function")
    return module


def run_one(name: str, path: Path, ctx: BenchContext) -> dict[str, Any]:
    started = time.monotonic()
    try:
        results = check_results(name, load(name, path).run(ctx))
        return {"bench": name, "ok": True, "seconds": round(time.monotonic() - started, 3),
                "results": results}
    except Exception as err:  # noqa: BLE001 - one broken benchmark must not stop the rest
        return {"bench": name, "ok": False, "seconds": round(time.monotonic() - started, 3),
                "error": f"{type(err).__name__}: {err}", "traceback": traceback.format_exc()}


def table(report: list[dict[str, Any]]) -> str:
    rows = [("benchmark", "measure", "value", "unit", "note")]
    for entry in report:
        if not entry["ok"]:
            rows.append((entry["bench"], "FAILED", "", "", entry["error"]))
            continue
        for r in entry["results"]:
            value = f"{r['value']:.4g}" if isinstance(r["value"], float) else str(r["value"])
            rows.append((entry["bench"], r["name"], value, r["unit"], r["note"]))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1]), row[2].rjust(widths[2]),
                 row[3].ljust(widths[3]), row[4]]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  ----")
    return "\n".join(lines)


def _option(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def main(argv: list[str] | None = None) -> int:
    # The list of benchmarks (for the help text and for checking names) depends on
    # --bench-dir, so that option is read first on its own.
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--bench-dir", type=Path, default=BENCH_DIR)
    available = discover(pre.parse_known_args(argv)[0].bench_dir)
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bench-dir", type=Path, default=BENCH_DIR,
                   help="where to look for <name>/bench.py (default: benchmarks/)")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help=f"benchmarks to run (default: all of {', '.join(available) or 'none'})")
    p.add_argument("--out", type=Path, help="write the results as JSON to this file")
    p.add_argument("--build-dir", type=Path, default=ROOT / "build",
                   help="where `make binaries` put its output (default: build)")
    p.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    p.add_argument("-O", "--option", action="append", default=[], type=_option,
                   metavar="NAME=VALUE",
                   help="put NAME in ctx.options for every benchmark; VALUE is read as JSON "
                        "when it is JSON (5, [\"a\",\"b\"], true), else as a string; "
                        "repeatable")
    args = p.parse_args(argv)
    if args.list:
        print("\n".join(available))
        return 0
    unknown = [n for n in args.names if n not in available]
    if unknown:
        p.error(f"no such benchmark: {', '.join(unknown)} (have: {', '.join(available)})")
    chosen = args.names or list(available)
    with tempfile.TemporaryDirectory(prefix="questv-bench-") as scratch:
        ctx = BenchContext(root=ROOT, build_dir=args.build_dir.resolve(), scratch=Path(scratch),
                           options=dict(args.option))
        report = [run_one(name, available[name], ctx) for name in chosen]
    print(table(report))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                              time.gmtime()),
                                        "benchmarks": report}, indent=2) + "\n")
        print(f"results written to {args.out}")
    for entry in report:
        if not entry["ok"]:
            print(f"\n{entry['bench']} failed:\n{entry['traceback']}", file=sys.stderr)
    return 0 if all(entry["ok"] for entry in report) else 1


if __name__ == "__main__":
    sys.exit(main())
