"""Starts the benchmarks' processes, so that their peak memory is their own.

Linux carries a process's memory high-water mark across ``exec`` into the program it starts: a child forked (or
vforked, as ``subprocess`` does) from the pytest process, which may have held a million-row register while making
the inputs, reports that process's peak as its own ``ru_maxrss``. So every measured process is started from this
small one, whose own high-water mark started anew at its exec: a JSON line in (``argv``, ``env``, ``cwd``), the
wall time, exit status, peak memory (``os.wait4``) and the end of stderr out.
"""

import json
import os
import subprocess
import sys
import time

for line in sys.stdin:
    asked = json.loads(line)
    start = time.perf_counter()
    process = subprocess.Popen(asked["argv"], env=asked["env"], cwd=asked["cwd"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    error = process.stderr.read() if process.stderr else b""  # read while it runs: a full pipe would stop it
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "code": os.waitstatus_to_exitcode(status), "peak_kib": usage.ru_maxrss,
                      "stderr": error[-2000:].decode(errors="replace")}), flush=True)
