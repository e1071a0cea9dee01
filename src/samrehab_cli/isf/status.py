"""``samrehab status``: what has arrived from each förbund, how the randomisation stands, and whether the register
is as samrehab wrote it.

Per förbund: the weeks received (a week counts once a merged file held its tab after the week had begun), the last
file and when it was merged, the weeks missing since the förbund's first week up to last week, the consenting and
declining rows, and the split between Behandlingsgrupp and Kontrollgrupp against the planned 60/40 with an exact
two-sided binomial p-value (a small one says the randomisation drifts). The audit replays ``Ändringslogg``
(:func:`samrehab_cli.isf.register.verify`) and names every cell changed outside samrehab.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from pydantic import BaseModel

from samrehab_cli import errors
from samrehab_cli.dates import Week, week_from_sheet_name, week_of, week_range
from samrehab_cli.isf import register as master
from samrehab_cli.schema import YES
from samrehab_cli.storage import crypto

PLANNED_TREATMENT = 0.6  # 60 % Behandlingsgrupp, 40 % Kontrollgrupp


class ForbundStatus(BaseModel):
    forbund: str
    weeks_received: list[str]
    weeks_missing: list[str]
    last_file: str | None
    last_merged: str | None
    consenting: int
    declining: int
    treatment: int
    control: int
    treatment_percent: float | None  # of those with a group
    p_value: float | None  # exact two-sided binomial test of the treatment share against 60 %


class Edit(BaseModel):
    sheet: str
    cell: str | None  # ``Deltagare!K7`` when the row is in the register
    forbund: str
    serial: str
    column: str
    description: str


class Audit(BaseModel):
    intact: bool
    log_entries: int
    chain_broken_at: int | None  # the first log entry whose chain does not hold
    edits: list[Edit]


class Status(BaseModel):
    register_file: str
    today: dt.date
    forbund: list[ForbundStatus]
    total: ForbundStatus
    audit: Audit


def binomial_p_value(successes: int, trials: int, p: float = PLANNED_TREATMENT) -> float | None:
    """The exact two-sided binomial test's p-value, as scipy.stats.binomtest computes it: the probability of every
    outcome no more likely than the one observed (with scipy's relative tolerance of 1e-7)."""
    if trials == 0:
        return None

    def log_pmf(k: int) -> float:
        return (math.lgamma(trials + 1) - math.lgamma(k + 1) - math.lgamma(trials - k + 1)
                + k * math.log(p) + (trials - k) * math.log1p(-p))

    observed = log_pmf(successes)
    limit = observed + math.log1p(1e-7)
    total = math.fsum(math.exp(log_pmf(k)) for k in range(trials + 1) if log_pmf(k) <= limit)
    return min(1.0, total)


def status(register_path: Path, passwords: crypto.Passwords, today: dt.date) -> Status:
    if not register_path.exists():
        raise errors.FileMissing(path=register_path)
    register, _ = master.load(register_path, passwords)
    forbund = sorted({*(r.forbund for r in register.participants.values()),
                      *(r.forbund for r in register.declined.values()),
                      *(e.forbund for e in register.files.values() if e.status == master.MERGED and e.forbund)},
                     key=str.casefold)
    rows = [_of(register, name, today) for name in forbund]
    total = _of(register, None, today)
    return Status(register_file=str(register_path), today=today, forbund=rows, total=total, audit=audit(register))


def _of(register: master.MasterRegister, forbund: str | None, today: dt.date) -> ForbundStatus:
    """The status of one förbund (all of them with None: weeks are then left empty)."""
    mine = [e for e in register.files.values() if e.status == master.MERGED and forbund in (None, e.forbund)]
    consenting = [r for r in register.participants.values() if forbund in (None, r.forbund)]
    declining = sum(forbund in (None, r.forbund) for r in register.declined.values())
    treatment = sum(r.values.get("treatment") == YES and r.values.get("control") != YES for r in consenting)
    control = sum(r.values.get("control") == YES and r.values.get("treatment") != YES for r in consenting)
    received: list[Week] = []
    missing: list[Week] = []
    if forbund is not None:
        received = sorted({w for e in mine for name in e.weeks.split(", ")
                           if (w := week_from_sheet_name(name)) is not None})
        last_complete = week_of(today - dt.timedelta(days=7))
        if received and received[0] <= last_complete:
            missing = [w for w in week_range(received[0], last_complete) if w not in received]
    last = mine[-1] if mine else None  # Inkomna filer is in the order the files were merged
    grouped = treatment + control
    return ForbundStatus(
        forbund=forbund or "Totalt", weeks_received=[str(w) for w in received], weeks_missing=[str(w) for w in missing],
        last_file=last.name if last else None, last_merged=last.time if last else None,
        consenting=len(consenting), declining=declining, treatment=treatment, control=control,
        treatment_percent=round(100 * treatment / grouped, 1) if grouped else None,
        p_value=binomial_p_value(treatment, grouped))


def audit(register: master.MasterRegister) -> Audit:
    broken, differences = master.verify(register)
    cells = master.cell_refs(register)
    edits = [Edit(sheet=d.sheet, cell=cells.get((d.sheet, d.forbund, d.serial, d.column)), forbund=d.forbund,
                  serial=d.serial, column=d.column, description=d.describe()) for d in differences]
    return Audit(intact=broken is None and not edits, log_entries=len(register.log), chain_broken_at=broken,
                 edits=edits)
