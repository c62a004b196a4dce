"""Total CPU seconds (user + system) of the given process ids (scripts/bench-load)."""
import os
import sys

ticks = 0
for pid in sys.argv[1:]:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    ticks += int(fields[11]) + int(fields[12])
print(ticks / os.sysconf("SC_CLK_TCK"))
