"""Summarise a wrk run of scripts/bench-load (one wrk output file per server): successful
requests/s, p50 and p99 (of the first server's wrk; with two servers, each server's share
too), status-code counts, and the servers' CPU per successful request."""
import re
import sys

label, conns, cpu_before, cpu_after = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
texts = [open(f).read() for f in sys.argv[5:]]


def seconds_of(text):
    m = re.search(r"requests in ([\d.]+)(ms|s|m)", text)
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[m.group(2)] if m else float("nan")


def pct(text, p):
    m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", text, re.M)
    if not m:
        return float("nan")
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]


def statuses_of(text):
    return {int(k): int(v) for k, v in re.findall(r"^status (\d+) (\d+)$", text, re.M)}


total_ok, rate, statuses, shares = 0, 0.0, {}, []
for text in texts:
    st = statuses_of(text)
    ok = sum(v for k, v in st.items() if 200 <= k < 300)
    total_ok += ok
    rate += ok / seconds_of(text)
    shares.append(ok)
    for k, v in st.items():
        statuses[k] = statuses.get(k, 0) + v
    if "Socket errors" in text:
        print("  " + re.search(r"Socket errors.*", text).group(0), file=sys.stderr)
cpu = cpu_after - cpu_before
per = cpu / total_ok * 1000 if total_ok else float("nan")
codes = " ".join(f"{k}:{v}" for k, v in sorted(statuses.items()))
p50 = max(pct(t, 50) for t in texts)
p99 = max(pct(t, 99) for t in texts)
line = (
    f"{label:<16} {conns:>3} conns  {rate:8.0f} ok/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms"
    f"  server CPU {per:6.3f} ms/ok  [{codes}]"
)
if len(texts) > 1:
    line += "  shares " + "/".join(f"{100 * s / max(total_ok, 1):.0f}%" for s in shares)
print(line)
if any(k >= 500 for k in statuses):
    print("  server errors under load: see the server log", file=sys.stderr)
