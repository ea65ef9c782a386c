#!/usr/bin/env python3
"""Do two runs that measured the same checkpoint agree? ci/gpu_check.sh's judge.

    gpu_agreement.py REFERENCE_RUNS CANDIDATE_RUNS

Each argument is a results folder (its runs.jsonl) or a runs.jsonl; the first
ok record of each is compared. Every GC estimate (all estimators, source) and
every NC metric (source and target) must agree within the tolerances below;
few-shot means within an absolute tolerance. Prints one line per metric and
exits 0 when all agree, 1 when one does not, 2 when the input cannot be read.

Tolerances, and why: cuDNN runs float32 convolutions in TF32 on Ampere and
later GPUs by default, and reductions run in another order, so a GPU's GC and
NC differ from the CPU's by up to a few 1e-3 relative on ResNet-18; 2% relative
is far below the differences the paper reads (GC moves by factors), yet catches
a wrong kernel, a lost batch-norm mode or a missing device transfer, which move
them by 10% or more. Few-shot means: 0.02 absolute (600 episodes' interval is
about +-0.01), since a near-tie can flip a few queries.
"""
import json
import math
import os
import sys

GC_RELATIVE = 0.02
NC_RELATIVE = 0.02
FEWSHOT_ABSOLUTE = 0.02
NC_FIELDS = ["cdnv", "nc1", "nc2_equinorm", "nc2_equiangularity", "nc2_etf_distance", "nc3", "nc4"]


def first_ok_record(path):
    file = os.path.join(path, "runs.jsonl") if os.path.isdir(path) else path
    try:
        with open(file, encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                if record.get("status") == "ok":
                    return record
    except (OSError, ValueError) as error:
        raise SystemExit(f"gpu_agreement: cannot read {file}: {error}")
    print(f"gpu_agreement: {file} holds no ok run", file=sys.stderr)
    sys.exit(2)


def relative_difference(a, b):
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b), 1e-12)


def main(argv):
    if len(argv) != 3 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    reference, candidate = first_ok_record(argv[1]), first_ok_record(argv[2])
    where = lambda r: r["provenance"].get("device", "?")
    print(f"reference: {where(reference)}, candidate: {where(candidate)}")
    checks = []  # (name, reference value, candidate value, passes, tolerance text)

    def compare(name, a, b, relative=None, absolute=None):
        if a is None or b is None:
            checks.append((name, a, b, a is None and b is None, "both absent"))
            return
        if isinstance(a, float) and math.isnan(a) or isinstance(b, float) and math.isnan(b):
            checks.append((name, a, b, False, "NaN"))
            return
        if relative is not None:
            checks.append((name, a, b, relative_difference(a, b) <= relative, f"rel {relative:g}"))
        else:
            checks.append((name, a, b, abs(a - b) <= absolute, f"abs {absolute:g}"))

    ref_metrics, cand_metrics = reference.get("metrics", {}), candidate.get("metrics", {})
    ref_gc = ref_metrics.get("source", {}).get("gc", {})
    cand_gc = cand_metrics.get("source", {}).get("gc", {})
    if not ref_gc:
        print("gpu_agreement: the reference measured no GC", file=sys.stderr)
        return 2
    for estimator in sorted(set(ref_gc) | set(cand_gc)):
        compare(f"source GC {estimator}", ref_gc.get(estimator, {}).get("value"),
                cand_gc.get(estimator, {}).get("value"), relative=GC_RELATIVE)
    for side in ("source", "target"):
        ref_nc = (ref_metrics.get(side) or {}).get("nc") or {}
        cand_nc = (cand_metrics.get(side) or {}).get("nc") or {}
        for field in NC_FIELDS:
            if field in ref_nc or field in cand_nc:
                compare(f"{side} NC {field}", ref_nc.get(field), cand_nc.get(field), relative=NC_RELATIVE)
    ref_fewshot = (ref_metrics.get("target") or {}).get("fewshot", {})
    cand_fewshot = (cand_metrics.get("target") or {}).get("fewshot", {})
    for classifier in sorted(set(ref_fewshot) | set(cand_fewshot)):
        shots = set(ref_fewshot.get(classifier, {})) | set(cand_fewshot.get(classifier, {}))
        for k in sorted(shots, key=int):
            mean = lambda f: (f.get(classifier, {}).get(k) or {}).get("mean")
            compare(f"{classifier} {k}-shot", mean(ref_fewshot), mean(cand_fewshot), absolute=FEWSHOT_ABSOLUTE)
    failed = 0
    for name, a, b, passes, tolerance in checks:
        failed += not passes
        print(f"{'ok  ' if passes else 'FAIL'} {name}: {a} vs {b} ({tolerance})")
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
