#!/usr/bin/python3
"""The side-by-side table of ci/bench_vs_pytorch.sh: gcbench's cases against
reference.py's, pair by pair, over every round.

    /usr/bin/python3 side_by_side.py RESULTS_DIR

Reads RESULTS_DIR/round<k>.{cpp,python}.json and .peak_kib, and
python.parameters.json; prints the table and writes RESULTS_DIR/summary.json.
A ratio above 1 means gcbench took less time than Python.
"""
import glob
import json
import os
import re
import statistics
import sys

# Python-only ways of doing a case, compared with gcbench's one way.
PAIRED_WITH = {"gc/exact_vmap_jacrev/conv4": "gc/exact/conv4", "gc/exact_vmap_jacrev/resnet18": "gc/exact/resnet18"}


def times(files, prefix=""):
    """case -> [real time in ms, one per round]; and train_step case -> parameter count."""
    out, parameters = {}, {}
    for file in files:
        with open(file) as f:
            document = json.load(f)
        for b in document["benchmarks"]:
            if b.get("run_type", "iteration") != "iteration" or b.get("error_occurred"):
                continue
            name = b["name"][len(prefix):] if b["name"].startswith(prefix) else b["name"]
            name = re.sub(r"/real_time$", "", name)
            scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b.get("time_unit", "ns")]
            out.setdefault(name, []).append(b["real_time"] * scale)
            if "parameters" in b:
                parameters[name.split("/")[-1]] = int(b["parameters"])
    return out, parameters


def peak_mib(pattern):
    values = []
    for file in glob.glob(pattern):
        with open(file) as f:
            text = f.read().strip().splitlines()
        if text and text[-1].isdigit():
            values.append(int(text[-1]) / 1024)
    return max(values) if values else None


def spread(values):
    return f"{min(values):.1f}-{max(values):.1f}" if len(values) > 1 else "-"


def main():
    folder = sys.argv[1]
    cpp, cpp_parameters = times(sorted(glob.glob(os.path.join(folder, "round*.cpp.json"))))
    python, _ = times(sorted(glob.glob(os.path.join(folder, "round*.python.json"))), prefix="pytorch/")
    with open(os.path.join(folder, "python.parameters.json")) as f:
        python_parameters = json.load(f)
    mismatched = {name: (count, python_parameters.get(name)) for name, count in cpp_parameters.items()
                  if python_parameters.get(name) != count}
    rows = []
    for name in sorted(python):
        against = PAIRED_WITH.get(name, name)
        if against not in cpp:
            continue
        c, p = statistics.median(cpp[against]), statistics.median(python[name])
        rows.append({"python_case": name, "gcbench_case": against, "rounds": min(len(cpp[against]), len(python[name])),
                     "gcbench_median_ms": c, "gcbench_ms": cpp[against], "python_median_ms": p, "python_ms": python[name],
                     "speed_ratio": p / c})
    width = max(len(r["python_case"]) for r in rows) if rows else 10
    print(f"{'case':{width}s}  {'gcbench ms (min-max)':>26s}  {'Python ms (min-max)':>26s}  {'gcbench speed':>13s}")
    for r in rows:
        label = r["python_case"] + (" vs gcbench's exact" if r["python_case"] != r["gcbench_case"] else "")
        print(f"{label:{width}s}  {r['gcbench_median_ms']:10.1f} ({spread(r['gcbench_ms']):>13s})  "
              f"{r['python_median_ms']:10.1f} ({spread(r['python_ms']):>13s})  {r['speed_ratio']:12.2f}x")
    for network in ("conv4", "resnet18"):
        for side, values in (("gcbench", cpp), ("python", python)):
            with_penalty, plain = values.get(f"train_step_gc_penalty/{network}"), values.get(f"train_step/{network}")
            if with_penalty and plain:
                print(f"{side}: GC-penalty step / plain step on {network} = "
                      f"{statistics.median(with_penalty) / statistics.median(plain):.2f}x")
    peaks = {"gcbench_peak_mib": peak_mib(os.path.join(folder, "round*.cpp.peak_kib")),
             "python_peak_mib": peak_mib(os.path.join(folder, "round*.python.peak_kib"))}
    print(f"peak resident memory of one process running every case: gcbench {peaks['gcbench_peak_mib']:.0f} MiB, "
          f"Python {peaks['python_peak_mib']:.0f} MiB")
    if mismatched:
        print(f"PARAMETER COUNTS DIFFER (gcbench, Python): {mismatched}: the reference networks are not the plugins'")
    summary = {"rows": rows, **peaks, "parameters": cpp_parameters, "parameter_mismatches": mismatched}
    with open(os.path.join(folder, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
