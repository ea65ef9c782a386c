#!/usr/bin/python3
"""The side-by-side table of ci/bench_vs_pytorch.sh: gcbench's cases against
reference.py's, every Python arm, over every round.

    python3 side_by_side.py RESULTS_DIR [--machine M] [--isa FLAGS] [--threads N] [--arms SETTINGS] [--torch T]

Reads RESULTS_DIR/round<k>.cpp.json, round<k>.python-<arm>.json, memory/*.peak_kib
and python.parameters.json; prints the table and writes RESULTS_DIR/summary.json.
A speed ratio above 1 means gcbench took less time than that arm; "best" is
the fastest arm of each case, the anchor the targets are judged against.
"rounds vs best" is the range of the per-round ratios against that arm, and
"95% vs best" their Hodges-Lehmann estimate and 95% interval, as `gcbench
compare` gives a paired A/B's (harness/src/stats/hodges_lehmann.cpp): a target
is met with margin when the interval lies above it.
"""
import argparse
import glob
import json
import math
import os
import re
import statistics
import sys

# Python-only ways of doing a case, compared with gcbench's one way: gc/exact_vmap_jacrev/<network>
# with gc/exact/<network>, for every network reference.py runs it on (mlp's row was once left out).
PYTHON_ONLY_WAYS = {"gc/exact_vmap_jacrev/": "gc/exact/"}


def paired_with(name):
    """The gcbench case a Python case is compared with: its own name, or gcbench's one way of a Python-only way."""
    for python_way, gcbench_way in PYTHON_ONLY_WAYS.items():
        if name.startswith(python_way):
            return gcbench_way + name[len(python_way):]
    return name


def round_of(file):
    """The round a results file is from: round<k>.<side>.json."""
    return int(re.match(r"round(\d+)\.", os.path.basename(file)).group(1))


def times(files, prefix=""):
    """case -> {round: real time in ms}; and train_step case -> parameter count."""
    out, parameters = {}, {}
    for file in sorted(files, key=round_of):
        with open(file) as f:
            document = json.load(f)
        for b in document["benchmarks"]:
            if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
                continue
            name = b["name"][len(prefix):] if b["name"].startswith(prefix) else b["name"]
            name = re.sub(r"/real_time$", "", name)
            scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b.get("time_unit", "ns")]
            out.setdefault(name, {})[round_of(file)] = b["real_time"] * scale
            if "parameters" in b:
                parameters[name.split("/")[-1]] = int(b["parameters"])
    return out, parameters


def peak_mib(file):
    """The peak resident memory /usr/bin/time wrote, in MiB, or None."""
    try:
        with open(file) as f:
            lines = f.read().strip().splitlines()
    except OSError:
        return None
    return int(lines[-1]) / 1024 if lines and lines[-1].isdigit() else None


def spread(values, digits=1):
    return f"{min(values):.{digits}f}-{max(values):.{digits}f}" if len(values) > 1 else "-"


def paired_ratios(python_rounds, gcbench_rounds):
    """Each round's Python time over gcbench's, in the rounds both sides finished.
    The two sides of a round ran minutes apart on the same machine, so a slow
    spell of the machine moves both, and these spread less than the medians' ranges."""
    return [python_rounds[k] / gcbench_rounds[k] for k in sorted(python_rounds) if k in gcbench_rounds]


def signed_rank_cdf(n):
    """P(T+ <= t), t = 0 .. n(n+1)/2, T+ the sum of a random subset of the ranks 1..n."""
    most = n * (n + 1) // 2
    subsets = [1] + [0] * most
    for rank in range(1, n + 1):
        for total in range(most, rank - 1, -1):
            subsets[total] += subsets[total - rank]
    cdf, running = [], 0
    for count in subsets:
        running += count
        cdf.append(running / 2 ** n)
    return cdf


def ratio_interval(ratios, confidence=0.95):
    """The Hodges-Lehmann estimate of the rounds' ratio and its interval (exact
    signed-rank quantiles), on the log-ratios, as gcbench compare reads a paired
    A/B; the interval may cover less than `confidence` with few rounds (6 give 97%
    at most), and is then the widest there is."""
    logs = [math.log(r) for r in ratios if r > 0]
    if not logs:
        return None
    walsh = sorted((logs[i] + logs[j]) / 2 for i in range(len(logs)) for j in range(i, len(logs)))
    m = len(walsh)
    estimate = walsh[m // 2] if m % 2 else (walsh[m // 2 - 1] + walsh[m // 2]) / 2
    cdf, k = signed_rank_cdf(len(logs)), 0
    while k + 1 < len(cdf) and cdf[k + 1] <= (1 - confidence) / 2:
        k += 1
    k = min(k, (m - 1) // 2)
    return {"estimate": math.exp(estimate), "low": math.exp(walsh[k]), "high": math.exp(walsh[m - 1 - k]),
            "coverage": 1 - 2 * cdf[k]}


def interval_text(interval):
    return f"{interval['estimate']:.2f} [{interval['low']:.2f}, {interval['high']:.2f}]" if interval else "-"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--machine", default="")
    parser.add_argument("--isa", default="")
    parser.add_argument("--threads", default="")
    parser.add_argument("--arms", default="", help="arm=environment; ...")
    parser.add_argument("--torch", default="")
    args = parser.parse_args()
    folder = args.folder
    cpp, cpp_parameters = times(sorted(glob.glob(os.path.join(folder, "round*.cpp.json"))))
    arms = {}
    for file in sorted(glob.glob(os.path.join(folder, "round*.python-*.json"))):
        arm = re.match(r"round\d+\.python-(.+)\.json$", os.path.basename(file)).group(1)
        arms.setdefault(arm, []).append(file)
    python = {arm: times(files, prefix="pytorch/")[0] for arm, files in sorted(arms.items())}
    with open(os.path.join(folder, "python.parameters.json")) as f:
        python_parameters = json.load(f)
    mismatched = {name: (count, python_parameters.get(name)) for name, count in cpp_parameters.items()
                  if python_parameters.get(name) != count}

    rows = []
    cases = sorted({name for values in python.values() for name in values})
    for name in cases:
        against = paired_with(name)
        if against not in cpp:
            continue
        c = statistics.median(cpp[against].values())
        row = {"python_case": name, "gcbench_case": against, "gcbench_median_ms": c, "gcbench_ms": list(cpp[against].values()),
               "gcbench_rounds": len(cpp[against]), "arms": {}}
        for arm, values in python.items():
            if name in values:
                p = statistics.median(values[name].values())
                row["arms"][arm] = {"median_ms": p, "ms": list(values[name].values()), "rounds": len(values[name]),
                                    "speed_ratio": p / c, "round_ratios": paired_ratios(values[name], cpp[against])}
        best = min(row["arms"], key=lambda a: row["arms"][a]["median_ms"])
        row["best_arm"], row["speed_ratio_vs_best"] = best, row["arms"][best]["speed_ratio"]
        row["round_ratios_vs_best"] = row["arms"][best]["round_ratios"]
        row["ratio_interval_vs_best"] = ratio_interval(row["round_ratios_vs_best"])
        stem = os.path.join(folder, "memory", against.replace("/", "_"))
        row["gcbench_peak_mib"] = peak_mib(stem + ".cpp.peak_kib")
        python_stem = os.path.join(folder, "memory", name.replace("/", "_"))
        for arm in row["arms"]:
            row["arms"][arm]["peak_mib"] = peak_mib(f"{python_stem}.python-{arm}.peak_kib")
        rows.append(row)

    arm_names = list(python)
    width = max([len(r["python_case"]) for r in rows] + [10]) + 4
    header = f"{'case':{width}s}  {'gcbench ms (min-max)':>24s}"
    for arm in arm_names:
        header += f"  {arm + ' ms (min-max)':>24s} {'ratio':>6s}"
    header += f"  {'vs best':>8s}  {'rounds vs best':>14s}  {'95% vs best':>18s}  {'peak MiB gcbench/best':>21s}"
    print(header)
    for r in rows:
        label = r["python_case"] + (" (vs gcbench's exact)" if r["python_case"] != r["gcbench_case"] else "")
        line = f"{label:{width}s}  {r['gcbench_median_ms']:9.1f} ({spread(r['gcbench_ms']):>12s})"
        for arm in arm_names:
            a = r["arms"].get(arm)
            line += (f"  {a['median_ms']:9.1f} ({spread(a['ms']):>12s}) {a['speed_ratio']:5.2f}x" if a
                     else f"  {'':>24s} {'':>6s}")
        best_peak = r["arms"][r["best_arm"]]["peak_mib"]
        memory = (f"{r['gcbench_peak_mib']:.0f}/{best_peak:.0f}" if r["gcbench_peak_mib"] and best_peak else "-")
        if r["gcbench_peak_mib"] and best_peak and r["gcbench_peak_mib"] > 1.2 * best_peak:
            memory += " (+>20%)"
        print(line + f"  {r['speed_ratio_vs_best']:7.2f}x  {spread(r['round_ratios_vs_best'], 2):>14s}"
                     f"  {interval_text(r['ratio_interval_vs_best']):>18s}  {memory:>21s}")
    for network in ("conv4", "resnet18"):
        for side, values in [("gcbench", cpp)] + [(f"python-{arm}", python[arm]) for arm in arm_names]:
            with_penalty, plain = values.get(f"train_step_gc_penalty/{network}"), values.get(f"train_step/{network}")
            if with_penalty and plain:
                print(f"{side}: GC-penalty step / plain step on {network} = "
                      f"{statistics.median(with_penalty.values()) / statistics.median(plain.values()):.2f}x")
    print(f"machine: {args.machine}; ISA: {args.isa.strip()}; threads: {args.threads}; torch: {args.torch}")
    allocator = gcbench_allocator(folder)
    print(f"gcbench: {allocator}; Python arms: " + args.arms)
    # Both sides inherit the environment: OpenBLAS's kernels (the system torch's BLAS) are the same on each.
    blas = {"gcbench_blas_kernels": context_value(folder, "blas_kernels"),
            "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "unset (OpenBLAS picks by CPU model)")}
    print(f"BLAS kernels: gcbench {blas['gcbench_blas_kernels']}; OPENBLAS_CORETYPE, both sides: {blas['OPENBLAS_CORETYPE']}")
    if mismatched:
        print(f"PARAMETER COUNTS DIFFER (gcbench, Python): {mismatched}: the reference networks are not the plugins'")
    settings = dict(item.split("=", 1) for item in args.arms.split(";") if "=" in item)
    summary = {"machine": args.machine, "isa": args.isa.split(), "threads": args.threads, "torch": args.torch,
               "gcbench_allocator": allocator, "blas": blas,
               "python_arms": settings, "rows": rows, "parameters": cpp_parameters, "parameter_mismatches": mismatched}
    with open(os.path.join(folder, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    return 1 if mismatched else 0


def context_value(folder, key):
    """A context value of gcbench's first round, or "not said" (an older gcbench's)."""
    for path in sorted(glob.glob(os.path.join(folder, "round*.cpp.json"))):
        with open(path) as f:
            return json.load(f).get("context", {}).get(key, "not said")
    return "not said"


def gcbench_allocator(folder):
    """The allocator gcbench's rounds name in their context (older gcbench: tuned glibc, unnamed)."""
    named = context_value(folder, "allocator")
    if named not in ("glibc", "not said"):
        return named
    return "glibc, tuned in-process (mallopt M_MMAP_MAX=0, M_TRIM_THRESHOLD=1073741824)"


if __name__ == "__main__":
    sys.exit(main())
