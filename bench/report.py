#!/usr/bin/env python3
"""report.py RAW META - the table and the key=value summary of `make bench`.

RAW is what bench/driver.c wrote (one sample per line), META the key=value
facts run.sh gathered (versions, binary sizes, shared libraries). Ratios are
of medians taken in the same interleaved run; the paired ratio (the median of
per-round ratios) is in the summary as a cross-check against drift.
"""
import statistics
import sys

RAW, META = sys.argv[1], sys.argv[2]

meta = {}
runtimes = []
with open(META) as f:
    for line in f:
        k, _, v = line.rstrip("\n").partition("=")
        if k == "runtime":
            runtimes.append(v)
        else:
            meta[k] = v

samples = {}   # (case, rt) -> {round: us}
cpu = {}       # (case, rt) -> {round: us of user+sys CPU}
rss = {}       # (case, rt) -> [kb]
fails = {}     # (case, rt) -> message
with open(RAW) as f:
    for line in f:
        parts = line.rstrip("\n").split("\t")
        if parts[0] == "sample":
            _, case, rt, rnd, us, kb = parts[:6]
            samples.setdefault((case, rt), {})[int(rnd)] = float(us)
            if len(parts) > 6 and int(parts[6]) > 0:
                cpu.setdefault((case, rt), {})[int(rnd)] = float(parts[6])
            if int(kb) > 0:
                rss.setdefault((case, rt), []).append(int(kb))
        elif parts[0] == "fail":
            fails.setdefault((parts[1], parts[2]), parts[6] if len(parts) > 6 else "failed")

# Lifecycle phases fail as one case.
for (case, rt), msg in list(fails.items()):
    if case == "lifecycle":
        for p in ("create", "start", "wait", "delete"):
            fails.setdefault((p, rt), msg)

def median(case, rt):
    s = samples.get((case, rt))
    return statistics.median(s.values()) if s else None

def spread(case, rt):
    s = samples.get((case, rt))
    if not s or len(s) < 4:
        return None
    q = statistics.quantiles(s.values(), n=4)
    return (q[2] - q[0]) / 2

def paired(case, a, b):
    sa, sb = samples.get((case, a)), samples.get((case, b))
    if not sa or not sb:
        return None
    r = [sa[k] / sb[k] for k in sa if k in sb and sb[k] > 0]
    return statistics.median(r) if r else None

def ratio(x, y):
    return x / y if x is not None and y else None

def status_text(case, rt):
    msg = fails.get((case, rt))
    if msg is None:
        return "-"
    return "not implemented" if "not implemented" in msg else "FAILED"

CASES = [  # key, label, target vs crun (None: no target)
    ("run", "run /bin/true", 0.65),
    ("create", "  create", None),
    ("start", "  start", None),
    ("wait", "  wait (start->exit)", None),
    ("delete", "  delete", None),
    ("lifecycle", "lifecycle (sum)", 0.6),
    ("deletef", "delete -f running", None),
    ("exec", "exec /bin/true", 0.65),
]
shown = [r for r in runtimes]
W = 16

def cell(s):
    return s.rjust(W)

def fmt_ratio(r):
    return "%.2fx" % r if r is not None else "-"

out = []
out.append("vessel bench: %s rounds + %s warm-up, interleaved round-robin, kernel %s, %s cpus"
           % (meta.get("rounds"), meta.get("warmup"), meta.get("kernel"), meta.get("cpus")))
for rt in runtimes:
    if rt != "minimal":
        out.append("  %-7s %s (%s)" % (rt, meta.get(rt + ".path", ""), meta.get(rt + ".version", "")))
out.append("  minimal static clone+pivot_root+exec baseline (bench/minimal.c)")
out.append("state roots on %s; times: median ms (+- half the interquartile range)"
           % ("a private tmpfs (like /run)" if meta.get("state") == "tmpfs" else "disk (the temp dir)"))
out.append("")
hdr = "%-22s" % "case" + "".join(cell(r) for r in shown) + cell("vessel/crun") + cell("vessel/runc") + cell("target")
out.append(hdr)
out.append("-" * len(hdr))
summary = []
for key, label, target in CASES:
    if not any((key, rt) in samples or (key, rt) in fails for rt in shown):
        continue  # case not run (BENCH_CASES)
    row = "%-22s" % label
    for rt in shown:
        m = median(key, rt)
        if m is None:
            row += cell(status_text(key, rt) if rt != "minimal" or key == "run" else "")
        else:
            sp = spread(key, rt)
            mark = "*" if (key, rt) in fails else ""
            row += cell("%.2f" % (m / 1000) + (" +-%.2f" % (sp / 1000) if sp is not None else "") + mark)
    vm = median(key, "vessel")
    # A ratio to a phase that takes ~nothing (e.g. wait, when start returns
    # after the init exited) says nothing: leave it out under 50 us.
    tiny = lambda m: m if m is None or m >= 50 else None
    vm = tiny(vm)
    rc, rr = ratio(vm, tiny(median(key, "crun"))), ratio(vm, tiny(median(key, "runc")))
    verdict = ""
    if target is not None:
        verdict = "<=%.2fx crun" % target
        if rc is not None:
            verdict += " ok" if rc <= target else " MISS"
    row += cell(fmt_ratio(rc)) + cell(fmt_ratio(rr)) + "  " + verdict
    out.append(row)
    for rt in shown:
        m = median(key, rt)
        if m is not None:
            summary.append("%s.%s_ms=%.3f" % (key, rt, m / 1000))
        elif (key, rt) in fails:
            summary.append("%s.%s=%s" % (key, rt, status_text(key, rt).replace(" ", "-").lower()))
    if rc is not None:
        summary.append("%s.ratio_vessel_crun=%.3f" % (key, rc))
        pr = paired(key, "vessel", "crun")
        if pr is not None:
            summary.append("%s.paired_ratio_vessel_crun=%.3f" % (key, pr))
    if rr is not None:
        summary.append("%s.ratio_vessel_runc=%.3f" % (key, rr))
    if target is not None:
        summary.append("%s.target_vessel_crun=%.2f" % (key, target))
        summary.append("%s.meets_target=%s" % (key, "n/a" if rc is None else ("yes" if rc <= target else "no")))

# The budget against the floor.
vm, mm = median("run", "vessel"), median("run", "minimal")
rm = ratio(vm, mm)
out.append("%-22s" % "run vs minimal" + cell(fmt_ratio(rm)) + "  vessel/minimal, budget <=1.40x"
           + ("" if rm is None else (" ok" if rm <= 1.4 else " MISS")))
if rm is not None:
    summary.append("run.ratio_vessel_minimal=%.3f" % rm)
    summary.append("run.target_vessel_minimal=1.40")
    summary.append("run.meets_minimal_budget=%s" % ("yes" if rm <= 1.4 else "no"))
out.append("")

# CPU time: user+sys of the command and what it reaped (for lifecycle, the
# init too). Preemption does not inflate it, so on a loaded machine it is
# the steadier comparison; wall time is still what the targets are about.
def cmed(case, rt):
    v = cpu.get((case, rt))
    return statistics.median(v.values()) if v else None

cpu_rows = [("run", "run /bin/true"), ("lifecycle", "lifecycle (incl. init)"),
            ("deletef", "delete -f running"), ("exec", "exec /bin/true")]
if any(cmed(k, rt) for k, _ in cpu_rows for rt in shown):
    hdr3 = "%-22s" % "CPU user+sys (ms)" + "".join(cell(r) for r in shown) + cell("vessel/crun") + cell("vessel/runc")
    out.append(hdr3)
    out.append("-" * len(hdr3))
    for key, label in cpu_rows:
        if not any(cmed(key, rt) for rt in shown):
            continue
        row = "%-22s" % label
        for rt in shown:
            m = cmed(key, rt)
            row += cell("-" if m is None else "%.2f" % (m / 1000))
            if m is not None:
                summary.append("cpu.%s.%s_ms=%.3f" % (key, rt, m / 1000))
        vm = cmed(key, "vessel")
        rc, rr = ratio(vm, cmed(key, "crun")), ratio(vm, cmed(key, "runc"))
        row += cell(fmt_ratio(rc)) + cell(fmt_ratio(rr))
        if rc is not None:
            summary.append("cpu.%s.ratio_vessel_crun=%.3f" % (key, rc))
        if rr is not None:
            summary.append("cpu.%s.ratio_vessel_runc=%.3f" % (key, rr))
        out.append(row)
    cm = ratio(cmed("run", "vessel"), cmed("run", "minimal"))
    if cm is not None:
        out.append("%-22s" % "run vs minimal (CPU)" + cell(fmt_ratio(cm)) + "  vessel/minimal")
        summary.append("cpu.run.ratio_vessel_minimal=%.3f" % cm)
    out.append("")

# Memory and footprint.
def rss_of(rt):
    v = rss.get(("run", rt))
    return (statistics.median(v), max(v)) if v else None

hdr2 = "%-22s" % "footprint" + "".join(cell(r) for r in shown) + cell("vessel/crun") + cell("vessel/runc") + cell("target")
out.append(hdr2)
out.append("-" * len(hdr2))
row = "%-22s" % "peak RSS run (KiB)"
vals = {}
for rt in shown:
    v = rss_of(rt)
    vals[rt] = v[1] if v else None
    row += cell("%d" % v[1] if v else "-")
rc, rr = ratio(vals.get("vessel"), vals.get("crun")), ratio(vals.get("vessel"), vals.get("runc"))
row += cell(fmt_ratio(rc)) + cell(fmt_ratio(rr)) + "  <=1.00x crun" + ("" if rc is None else (" ok" if rc <= 1.0 else " MISS"))
out.append(row)
for rt in shown:
    v = rss_of(rt)
    if v:
        summary.append("rss.%s_kb=%d" % (rt, v[1]))
        summary.append("rss.%s_median_kb=%d" % (rt, v[0]))
if rc is not None:
    summary.append("rss.ratio_vessel_crun=%.3f" % rc)
    summary.append("rss.meets_target=%s" % ("yes" if rc <= 1.0 else "no"))
if rr is not None:
    summary.append("rss.ratio_vessel_runc=%.3f" % rr)

for key, label, unit in (("size", "binary size (KiB)", 1024), ("needed", "direct libs (NEEDED)", 1),
                         ("ldd", "shared libs (ldd)", 1)):
    row = "%-22s" % label
    v = {}
    for rt in shown:
        s = meta.get("%s.%s" % (rt, key))
        v[rt] = int(s) if s not in (None, "") else None
        row += cell("-" if v[rt] is None else ("%d" % round(v[rt] / unit)))
        if v[rt] is not None:
            summary.append("%s.%s=%d" % (key, rt, v[rt]))
    rc, rr = ratio(v.get("vessel"), v.get("crun")), ratio(v.get("vessel"), v.get("runc"))
    if key == "size":
        row += cell(fmt_ratio(rc)) + cell(fmt_ratio(rr))
    out.append(row)
out.append("peak RSS: ru_maxrss (wait4) of the runtime process that `run` started: the max over it")
out.append("and what it reaped - its container init up to exec (a clone for vessel and crun, a")
out.append("re-exec'd runc init for runc) - as /usr/bin/time -f %M reports it.")

fail_lines = ["%s %s: %s" % (rt, case, msg) for (case, rt), msg in sorted(fails.items())
              if case not in ("create", "start", "wait", "delete")]
if fail_lines:
    out.append("")
    out.append("failures (* = failed part-way: the median is of the rounds before it):")
    out += ["  " + l for l in fail_lines]

print("\n".join(out))
print()
print("# summary (key=value)")
print("rounds=%s" % meta.get("rounds"))
print("\n".join(summary))
