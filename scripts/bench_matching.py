#!/usr/bin/env python3
"""Compare Belong's exact assignment solver with scipy and OR-Tools.

Run through ``scripts/bench-matching`` (which sets up the virtual environment).

Every instance is generated here with a fixed numpy seed and written in the binary format of
``examples/solve_instance.rs``. Each solver then runs in a process of its own, so that its
peak memory (``VmHWM``) is its own; only the solve is timed, not
reading the file or building the solver's input. All of them must find the same optimum:
first the most matched mentees, then the highest total score.

How each solver is made to compute that lexicographic optimum (``S`` = total capacity,
``BIG = 10000 * min(n, S) + 1`` exceeds any difference of total scores, so one more matched
mentee always outweighs any score gain):

* scipy ``linear_sum_assignment`` on the dense slot-expanded matrix (each mentor's column
  repeated ``capacity`` times), maximising: an eligible cell weighs ``BIG + score``, an
  ineligible one 0 (a mentee given an ineligible cell is unmatched). Rectangular matrices
  need no padding.
* scipy ``min_weight_full_bipartite_matching`` (LAPJVsp) on the sparse slot-expanded graph,
  minimising: an eligible slot costs ``10001 - score`` (1..10001; LAPJVsp needs non-zero
  weights) and every mentee has a private "unassigned" column costing
  ``10001 + BIG``, so a full matching always exists and costs
  ``n * (10001 + BIG) - matched * BIG - total``.
* OR-Tools ``SimpleMinCostFlow``: source -> mentee (capacity 1), mentee -> mentor (capacity 1,
  cost ``-(BIG + score)``), mentor -> sink (capacity = mentor capacity), and a zero-cost
  source -> sink "unassigned" arc of capacity ``n``; supply ``n`` at the source, demand ``n``
  at the sink. Its minimum cost is ``-(matched * BIG + total)``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "bench-instances"
MAGIC = b"BELASGN1"
GENERATOR_VERSION = 1
SEED = 20_261_125
LSA_MAX_CELLS = 4e8
MAX_SCORE = 10_000
DASH = "–"


@dataclass(frozen=True)
class Spec:
    n_mentees: int
    n_mentors: int
    dense: bool
    cap_max: int

    @property
    def name(self) -> str:
        density = "dense" if self.dense else "sparse"
        kind = "slack" if self.cap_max == 3 else "tight"
        return f"{self.n_mentees}x{self.n_mentors} {density} {kind}"


ROWS = [
    Spec(300, 100, True, 3),
    Spec(300, 100, True, 6),
    Spec(2000, 700, True, 3),
    Spec(2000, 700, True, 6),
    Spec(10_000, 3000, True, 3),
    Spec(10_000, 3000, True, 6),
    Spec(10_000, 3000, False, 3),
    Spec(10_000, 3000, False, 6),
    Spec(50_000, 15_000, False, 3),
    Spec(50_000, 15_000, False, 6),
]


# --------------------------------------------------------------------------- instances


def generate(spec: Spec):
    """A realistic instance: capacities uniform in 1..=cap_max; a score is a sum of a few
    coarse criteria in hundredths (topic overlap in steps of 500, a per-mentor popularity
    in steps of 250, availability in steps of 1000, a shared language worth 1000) plus, for
    a fifth of the pairs, a fine component of 0..=1000, so exact ties are everywhere.
    "dense": each pair eligible with probability 0.86; "sparse": 40..=64 (mean 52) distinct
    eligible mentors per mentee. Edges of each mentee are sorted by mentor."""
    rng = np.random.default_rng([SEED, spec.n_mentees, spec.n_mentors, int(spec.dense), spec.cap_max])
    n, m = spec.n_mentees, spec.n_mentors
    capacity = (1 + rng.integers(0, spec.cap_max, m)).astype(np.uint32)
    popularity = rng.integers(0, 9, m) * 250
    lang_m = rng.integers(0, 4, m)
    lang_i = rng.integers(0, 4, n)
    mentors, lengths = [], []
    if spec.dense:
        block = max(1, 2_000_000 // m)
        for start in range(0, n, block):
            eligible = rng.random((min(block, n - start), m)) < 0.86
            lengths.append(eligible.sum(axis=1))
            mentors.append(np.nonzero(eligible)[1].astype(np.uint32))
    else:
        degree = np.minimum(40 + rng.integers(0, 25, n), m)
        lengths.append(degree)
        mentors.extend(np.sort(rng.choice(m, d, replace=False)).astype(np.uint32) for d in degree)
    mentor = np.concatenate(mentors)
    lengths = np.concatenate(lengths)
    offsets = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum(lengths, out=offsets[1:])
    row = np.repeat(np.arange(n), lengths)
    e = len(mentor)
    score = (
        500 * rng.integers(0, 7, e)
        + popularity[mentor]
        + 1000 * rng.integers(0, 3, e)
        + 1000 * (lang_m[mentor] == lang_i[row])
        + (rng.random(e) < 0.2) * rng.integers(0, 1001, e)
    )
    score = np.minimum(score, MAX_SCORE).astype(np.uint16)
    return capacity, offsets, mentor, score


def write_instance(path: Path, capacity, offsets, mentor, score) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<QQQ", len(offsets) - 1, len(capacity), len(mentor)))
        for array, dtype in ((capacity, "<u4"), (offsets, "<u8"), (mentor, "<u4"), (score, "<u2")):
            f.write(np.ascontiguousarray(array, dtype=dtype).tobytes())
    tmp.replace(path)


def read_instance(path: Path):
    data = path.read_bytes()
    if data[:8] != MAGIC:
        raise SystemExit(f"{path}: not an instance file")
    n, m, e = struct.unpack_from("<QQQ", data, 8)
    at = 32

    def take(dtype, count):
        nonlocal at
        array = np.frombuffer(data, dtype=dtype, count=count, offset=at)
        at += array.nbytes
        return array

    capacity = take("<u4", m).astype(np.int64)
    offsets = take("<u8", n + 1).astype(np.int64)
    mentor = take("<u4", e).astype(np.int64)
    score = take("<u2", e).astype(np.int64)
    return capacity, offsets, mentor, score


def slot_cells(path: Path) -> int:
    """Mentees × places: the size of the dense slot-expanded matrix, from the header alone."""
    with open(path, "rb") as f:
        head = f.read(32)
        n, m, _ = struct.unpack_from("<QQQ", head, 8)
        capacity = np.frombuffer(f.read(4 * m), dtype="<u4")
    return n * int(capacity.sum(dtype=np.int64))


def instance_path(spec: Spec) -> Path:
    slug = spec.name.replace(" ", "-")
    path = INSTANCE_DIR / f"{slug}-v{GENERATOR_VERSION}.bin"
    if not path.exists():
        INSTANCE_DIR.mkdir(exist_ok=True)
        started = time.perf_counter()
        write_instance(path, *generate(spec))
        log(f"  generated {path.name} in {time.perf_counter() - started:.1f}s")
    return path


# --------------------------------------------------------------------------- workers


def big(n: int, capacity) -> int:
    return MAX_SCORE * min(n, int(capacity.sum())) + 1


def peak_mib() -> float:
    """This process's peak resident set in MiB: ``VmHWM``, as Belong reports it. Linux's
    ``ru_maxrss`` would also count what the forking parent had resident before ``exec``."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def edge_rows(offsets):
    return np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))


def worker_lsa(path: Path) -> dict:
    from scipy.optimize import linear_sum_assignment

    capacity, offsets, mentor, score = read_instance(path)
    n, m = len(offsets) - 1, len(capacity)
    weight = np.zeros((n, m), dtype=np.float64)
    weight[edge_rows(offsets), mentor] = big(n, capacity) + score
    slots = weight[:, np.repeat(np.arange(m), capacity)]  # one column per place
    del weight
    started = time.perf_counter()
    rows, cols = linear_sum_assignment(slots, maximize=True)
    seconds = time.perf_counter() - started
    values = slots[rows, cols].astype(np.int64)
    used = values > 0
    return {
        "seconds": seconds,
        "peak_rss_mib": peak_mib(),
        "matched": int(used.sum()),
        "total_score": int((values[used] - big(n, capacity)).sum()),
    }


def worker_lapjvsp(path: Path) -> dict:
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    capacity, offsets, mentor, score = read_instance(path)
    n, m = len(offsets) - 1, len(capacity)
    total_slots = int(capacity.sum())
    first_slot = np.concatenate(([0], np.cumsum(capacity)[:-1]))
    unassigned = np.float64(MAX_SCORE + 1 + big(n, capacity))
    # Row i: one entry per place of each eligible mentor, then its own "unassigned" column.
    rows_of_edges = edge_rows(offsets)
    per_row = np.bincount(rows_of_edges, weights=capacity[mentor], minlength=n).astype(np.int64) + 1
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(per_row, out=indptr[1:])
    nnz = int(indptr[-1])
    index_type = np.int32 if total_slots + n < 2**31 and nnz < 2**31 else np.int64
    indptr = indptr.astype(index_type)
    indices = np.empty(nnz, dtype=index_type)
    data = np.empty(nnz, dtype=np.float64)
    dummy_at = indptr[1:].astype(np.int64) - 1
    indices[dummy_at] = total_slots + np.arange(n)
    data[dummy_at] = unassigned
    # Expand the edges block by block to bound the temporaries.
    keep = np.ones(nnz, dtype=bool)
    keep[dummy_at] = False
    positions = np.flatnonzero(keep)
    del keep
    written = 0
    block = 1 << 22
    for start in range(0, len(mentor), block):
        j = mentor[start : start + block]
        reps = capacity[j]
        count = int(reps.sum())
        base = np.repeat(first_slot[j] - (np.cumsum(reps) - reps), reps)
        where = positions[written : written + count]
        indices[where] = base + np.arange(count)
        data[where] = np.repeat(MAX_SCORE + 1 - score[start : start + block], reps)
        written += count
    del positions
    graph = csr_array((data, indices, indptr), shape=(n, total_slots + n))
    started = time.perf_counter()
    rows, cols = min_weight_full_bipartite_matching(graph)
    seconds = time.perf_counter() - started
    real = cols < total_slots
    slot_mentor = np.repeat(np.arange(m), capacity)
    keys = rows_of_edges * m + mentor
    order = np.argsort(keys, kind="stable")
    wanted = rows[real].astype(np.int64) * m + slot_mentor[cols[real]]
    found = order[np.searchsorted(keys, wanted, sorter=order)]
    assert np.array_equal(keys[found], wanted)
    return {
        "seconds": seconds,
        "peak_rss_mib": peak_mib(),
        "matched": int(real.sum()),
        "total_score": int(score[found].sum()),
    }


def worker_ortools(path: Path) -> dict:
    from ortools.graph.python import min_cost_flow

    capacity, offsets, mentor, score = read_instance(path)
    n, m = len(offsets) - 1, len(capacity)
    source, sink = 0, n + m + 1
    mentees = 1 + np.arange(n)
    mentor_nodes = 1 + n + np.arange(m)
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(n, source), mentees, np.ones(n, np.int64), np.zeros(n, np.int64)
    )
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        1 + edge_rows(offsets),
        mentor_nodes[mentor],
        np.ones(len(mentor), np.int64),
        -(big(n, capacity) + score),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        mentor_nodes, np.full(m, sink), capacity, np.zeros(m, np.int64)
    )
    flow.add_arc_with_capacity_and_unit_cost(source, sink, n, 0)  # "unassigned"
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    started = time.perf_counter()
    status = flow.solve()
    seconds = time.perf_counter() - started
    if status != flow.OPTIMAL:
        raise SystemExit(f"OR-Tools status {status}")
    used = flow.flows(pair_arcs)
    return {
        "seconds": seconds,
        "peak_rss_mib": peak_mib(),
        "matched": int(used.sum()),
        "total_score": int((used * score).sum()),
    }


WORKERS = {"lsa": worker_lsa, "lapjvsp": worker_lapjvsp, "ortools": worker_ortools}


# --------------------------------------------------------------------------- driver


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_json(command: list[str], timeout: float) -> dict | str:
    """The JSON line a solver process prints, or a short reason it gave none."""
    try:
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"timeout>{timeout:.0f}s"
    if done.returncode != 0:
        log(done.stderr.strip()[-2000:])
        return "error"
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        log(done.stdout[-2000:] + done.stderr[-2000:])
        return "error"


def solve_all(spec: Spec, path: Path, timeout: float) -> dict[str, dict | str]:
    cells = slot_cells(path)
    results: dict[str, dict | str] = {}
    belong = ["cargo", "run", "--release", "--quiet", "--example", "solve_instance", "--", str(path)]
    results["belong"] = run_json(belong, timeout)
    for name in ("lsa", "lapjvsp", "ortools"):
        if name == "lsa" and cells > LSA_MAX_CELLS:
            results[name] = DASH
            continue
        results[name] = run_json([sys.executable, __file__, "--worker", name, str(path)], timeout)
    for name, result in results.items():
        log(f"  {name}: {result}")
    return results


SOLVERS = [("belong", "Belong"), ("lsa", "scipy LSA"), ("lapjvsp", "scipy LAPJVsp"), ("ortools", "OR-Tools")]


def header() -> str:
    cells = ["instance"]
    for _, label in SOLVERS:
        cells += [f"{label} s", f"{label} MiB"]
    cells += [f"{label} matched/total" for _, label in SOLVERS]
    return "| " + " | ".join(cells) + " |\n|" + "---|" * len(cells)


def row(spec: Spec, results: dict[str, dict | str]) -> str:
    cells = [spec.name]
    for key, _ in SOLVERS:
        r = results[key]
        if isinstance(r, dict):
            cells += [f"{r['seconds']:.3f}", f"{r['peak_rss_mib']:.0f}"]
        else:
            cells += [r, DASH]
    for key, _ in SOLVERS:
        r = results[key]
        cells.append(f"{r['matched']}/{r['total_score']}" if isinstance(r, dict) else DASH)
    return "| " + " | ".join(cells) + " |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", metavar="NAME", help='run only this row, e.g. "2000x700 dense tight" (repeatable)')
    parser.add_argument("--quick", action="store_true", help="run only the two smallest rows")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds allowed per solver run (default 1800)")
    parser.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    parser.add_argument("file", nargs="?", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.worker:
        print(json.dumps(WORKERS[args.worker](Path(args.file))), flush=True)
        return 0

    rows = ROWS[:2] if args.quick else ROWS
    if args.only:
        wanted = {name.strip().lower() for name in args.only}
        rows = [spec for spec in ROWS if spec.name.lower() in wanted]
        unknown = wanted - {spec.name.lower() for spec in ROWS}
        if unknown:
            names = ", ".join(spec.name for spec in ROWS)
            parser.error(f"unknown row(s) {sorted(unknown)}; rows are: {names}")

    log("Building the solve_instance example…")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "solve_instance"], cwd=ROOT, check=True)

    print(header(), flush=True)
    mismatches, incomplete, failed = [], [], []
    for spec in rows:
        log(f"{spec.name}:")
        results = solve_all(spec, instance_path(spec), args.timeout)
        print(row(spec, results), flush=True)
        optima = {(r["matched"], r["total_score"]) for r in results.values() if isinstance(r, dict)}
        if len(optima) > 1:
            mismatches.append(spec.name)
        if any(isinstance(r, str) and r.startswith("timeout") for r in results.values()):
            incomplete.append(spec.name)
        if any(r == "error" for r in results.values()):
            failed.append(spec.name)

    print()
    if mismatches or failed:
        if mismatches:
            print(f"MISMATCH: the solvers disagree on matched/total for: {', '.join(mismatches)}")
        if failed:
            print(f"FAILED: a solver failed (see above) on: {', '.join(failed)}")
        return 1
    note = f" (some solver timed out on: {', '.join(incomplete)})" if incomplete else ""
    print(f"Check: every solver that ran found the same matched/total on every row{note}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
