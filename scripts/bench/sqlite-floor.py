"""The floor for scripts/bench-load: one small insert per transaction into SQLite in WAL
mode with synchronous=FULL (the server's durability), and the same rows committed 32 to a
transaction (what group commit can reach), measured on this machine in this run."""
import sqlite3
import sys
import time

path = sys.argv[1]
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)")
row = "x" * 300
for group in (1, 32):
    n = 2000
    start = time.perf_counter()
    for i in range(0, n, group):
        db.execute("BEGIN IMMEDIATE")
        for _ in range(group):
            db.execute("INSERT INTO t (body) VALUES (?)", (row,))
        db.execute("COMMIT")
    took = time.perf_counter() - start
    print(f"floor: raw SQLite inserts, {group:>2} per commit (WAL, synchronous=FULL): {n / took:8.0f}/s")
