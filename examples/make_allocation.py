"""Write examples/kuvert-Avesta.xlsx: Avesta's allocation list for `samrehab merge --allocation` (make demo).

ISF made 20 sealed envelopes for Avesta before the study began. A real list is drawn from the operating system's
secure random source (`samrehab envelopes`); this example's is drawn from a fixed seed instead, chosen so that it
agrees with the groups Avesta registered in examples/inkorg (envelopes 11–16), so the demo's merge finds no K330.
It is encrypted with the winter's demo password (examples/demo.sh). Run with the project's venv:
    .venv/bin/python examples/make_allocation.py
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from make_inbox import WINTER

from samrehab_cli.isf import envelopes
from samrehab_cli.isf.envelopes import CONTROL, TREATMENT, AllocationList
from samrehab_cli.storage import crypto

TARGET = Path(__file__).with_name("kuvert-Avesta.xlsx")
SEED = 49  # an example's only: the product never seeds its generator
REGISTERED = {11: TREATMENT, 12: CONTROL, 13: TREATMENT, 14: TREATMENT, 15: CONTROL, 16: TREATMENT}


def main() -> None:
    allocation = envelopes.extend(AllocationList("Avesta"), 20, random.Random(SEED), dt.date(2020, 9, 14))
    assert all(allocation.groups[number] == group for number, group in REGISTERED.items())
    TARGET.unlink(missing_ok=True)
    envelopes.write(TARGET, allocation, crypto.Passwords([WINTER]))
    print(f"Skrev {TARGET}")


if __name__ == "__main__":
    main()
