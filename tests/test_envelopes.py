"""samrehab envelopes: the allocation list behind the sealed envelopes (permuted blocks of 5 and 10 at 60 %)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from collections import Counter
from pathlib import Path

import pytest
from scipy import stats

from samrehab_cli import errors
from samrehab_cli.isf import envelopes, outfiles
from samrehab_cli.isf.envelopes import CONTROL, TREATMENT, AllocationList, Envelope
from samrehab_cli.storage import crypto, workbooks

from conftest import OLD_PASSWORD, PASSWORD

DAY = dt.date(2021, 1, 4)
SRC = Path(__file__).resolve().parents[1] / "src"


def passwords() -> crypto.Passwords:
    return crypto.Passwords([PASSWORD])


@pytest.fixture(scope="module")
def thousand_lists() -> list[list[Envelope]]:
    """1,000 lists of 200 envelopes from one seeded generator (a test's only: the product never seeds)."""
    rng = random.Random(20200921)
    return [envelopes.draw(200, rng, made=DAY) for _ in range(1000)]


def blocks_of(envelopes_: list[Envelope]) -> list[list[Envelope]]:
    return [list(group) for _, group in itertools.groupby(envelopes_, key=lambda e: e.block)]


def test_every_block_is_exactly_60_percent_treatment(thousand_lists: list[list[Envelope]]) -> None:
    for listed in thousand_lists:
        assert [e.number for e in listed] == list(range(1, 201))
        for block in blocks_of(listed):
            assert len(block) in (5, 10)
            assert sum(e.group == TREATMENT for e in block) * 5 == len(block) * 3
            assert {e.group for e in block} == {TREATMENT, CONTROL}


def test_the_running_share_never_strays_more_than_a_block_from_60_percent(
        thousand_lists: list[list[Envelope]]) -> None:
    """After k envelopes the treatment count is 0.6·k exactly at every block's end, and inside a block it is off by
    at most 2.4 (six of ten opened, all Behandlingsgrupp, or four all Kontrollgrupp): less than one block's worth."""
    worst = 0.0
    for listed in thousand_lists:
        treated = 0
        ends = set(itertools.accumulate(len(b) for b in blocks_of(listed)))
        for k, envelope in enumerate(listed, start=1):
            treated += envelope.group == TREATMENT
            off = abs(treated - 0.6 * k)
            worst = max(worst, off)
            if k in ends:
                assert off < 1e-9
        assert abs(treated - 120) < 1e-9  # 200 envelopes: 120 and 80
    assert 1.2 <= worst <= 2.4 + 1e-9


def test_block_orders_and_sizes_show_no_bias(thousand_lists: list[list[Envelope]]) -> None:
    """Every order of a block is equally likely (chi-square over the 10 orders of 5 and the 210 orders of 10), and
    both sizes are drawn equally often where both fit."""
    orders: dict[int, Counter[str]] = {5: Counter(), 10: Counter()}
    choices = Counter()
    for listed in thousand_lists:
        left = len(listed)
        for block in blocks_of(listed):
            orders[len(block)]["".join("B" if e.group == TREATMENT else "K" for e in block)] += 1
            if left >= 10:
                choices[len(block)] += 1
            left -= len(block)
    for size, possible in ((5, 10), (10, 210)):
        assert len(orders[size]) == possible  # every order happens
        assert all(order.count("B") == size * 3 // 5 for order in orders[size])
        assert stats.chisquare(list(orders[size].values())).pvalue > 0.001
    assert stats.binomtest(choices[5], choices[5] + choices[10], 0.5).pvalue > 0.001


def test_a_chi_square_of_block_orders_would_see_a_biased_generator() -> None:
    """The test above can fail: a generator that never shuffles gives one order only."""

    class Lazy(random.Random):
        def shuffle(self, x: list[object]) -> None:  # type: ignore[override]  # same call, no shuffling
            return None

    rng = Lazy(1)
    counted = Counter("".join("B" if e.group == TREATMENT else "K" for e in block)
                      for _ in range(200) for block in blocks_of(envelopes.draw(200, rng, made=DAY))
                      if len(block) == 5)
    observed = [counted.get("".join(p), 0) for p in set(itertools.permutations("BBBKK"))]
    assert stats.chisquare(observed).pvalue < 1e-6


def test_numbers_never_repeat_across_continued_lists() -> None:
    rng = random.Random(7)
    for _ in range(200):
        allocation = AllocationList("Avesta")
        for count in (rng.randrange(1, 120) for _ in range(4)):
            allocation = envelopes.extend(allocation, count, rng, DAY)
        numbers = [e.number for e in allocation.envelopes]
        assert numbers == list(range(1, len(numbers) + 1))
        assert len({e.block for e in allocation.envelopes}) == len(blocks_of(allocation.envelopes))  # blocks too


def test_a_count_is_rounded_up_to_whole_blocks() -> None:
    rng = random.Random(3)
    for count in (1, 4, 5, 6, 10, 11, 199, 200, 201):
        drawn = envelopes.draw(count, rng, made=DAY)
        assert len(drawn) == -(-count // 5) * 5
        assert all(len(b) in (5, 10) for b in blocks_of(drawn))


def test_continued_lists_in_one_file_never_reuse_a_number(tmp_path: Path) -> None:
    path = tmp_path / "kuvert.xlsx"
    rng = random.Random(11)
    first = envelopes.make(path, passwords(), count=200, today=DAY, forbund="Avesta", rng=rng)
    before = envelopes.read(path, passwords()).envelopes
    second = envelopes.make(path, passwords(), count=37, today=DAY + dt.timedelta(days=30), continued=True, rng=rng)
    third = envelopes.make(path, passwords(), count=100, today=DAY + dt.timedelta(days=60), continued=True, rng=rng)
    assert (first.first, first.last, second.first, second.last, third.first, third.last) == (1, 200, 201, 240, 241,
                                                                                            340)
    assert (first.batch, second.batch, third.batch) == (1, 2, 3) and second.asked == 37 and second.count == 40
    allocation = envelopes.read(path, passwords())
    assert [e.number for e in allocation.envelopes] == list(range(1, 341))
    assert allocation.envelopes[:200] == before  # the earlier envelopes are kept exactly
    assert (allocation.envelopes[199].made, allocation.envelopes[200].made) == (DAY, DAY + dt.timedelta(days=30))


def test_the_list_is_encrypted_0600_and_holds_its_forbund(tmp_path: Path) -> None:
    path = tmp_path / "kuvert.xlsx"
    envelopes.make(path, passwords(), count=20, today=DAY, forbund="Södra Dalarna", rng=random.Random(1))
    assert path.read_bytes().startswith(crypto.OLE_MAGIC)
    assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(errors.WrongPassword):
        envelopes.read(path, crypto.Passwords([OLD_PASSWORD]))
    book, opened = workbooks.load(path, passwords())
    assert opened.encryption == "agile" and book.properties["Samordningsförbund"] == "Södra Dalarna"
    assert book.sheet_names == ["Kuvert", "Etiketter 1–20"]


def test_the_labels_hold_the_numbers_only(tmp_path: Path) -> None:
    path = tmp_path / "kuvert.xlsx"
    envelopes.make(path, passwords(), count=50, today=DAY, forbund="Avesta", rng=random.Random(2))
    envelopes.make(path, passwords(), count=10, today=DAY, continued=True, rng=random.Random(3))
    book, _ = workbooks.load(path, passwords())
    assert book.sheet_names == ["Kuvert", "Etiketter 1–50", "Etiketter 51–60"]
    for name, numbers in (("Etiketter 1–50", range(1, 51)), ("Etiketter 51–60", range(51, 61))):
        cells = [v for row in book.rows(name) for v in row if v is not None]
        assert cells == [float(n) for n in numbers]  # three across, in order, nothing else
        assert all(len(row) <= 3 for row in book.rows(name))


def test_a_new_list_never_replaces_an_old_one(tmp_path: Path) -> None:
    path = tmp_path / "kuvert.xlsx"
    envelopes.make(path, passwords(), count=20, today=DAY, forbund="Avesta", rng=random.Random(1))
    before = path.read_bytes()
    with pytest.raises(envelopes.ListExists):
        envelopes.make(path, passwords(), count=20, today=DAY, forbund="Avesta", rng=random.Random(2))
    with pytest.raises(envelopes.WrongForbund):
        envelopes.make(path, passwords(), count=20, today=DAY, forbund="Hedemora", continued=True)
    assert path.read_bytes() == before


def test_a_list_changed_by_hand_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kuvert.xlsx"
    allocation = envelopes.extend(AllocationList("Avesta"), 20, random.Random(5), DAY)
    first = allocation.envelopes[0]
    flipped = Envelope(first.number, CONTROL if first.group == TREATMENT else TREATMENT, first.block, first.batch,
                       first.made)
    envelopes.write(path, AllocationList("Avesta", [flipped, *allocation.envelopes[1:]]), passwords())
    with pytest.raises(outfiles.NotOurList, match="block 1 är inte 60 % Behandlingsgrupp"):
        envelopes.read(path, passwords())
    envelopes.write(path, AllocationList("Avesta", allocation.envelopes[1:]), passwords())
    with pytest.raises(outfiles.NotOurList, match="rad 2 i bladet Kuvert har ändrats"):
        envelopes.read(path, passwords())


def test_the_product_draws_from_the_operating_system_and_never_seeds(tmp_path: Path) -> None:
    """Without an injected generator two lists differ (the chance that 200 envelopes agree is nil), and no module
    of the product makes a seeded generator."""
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for path in (a, b):
        envelopes.make(path, passwords(), count=200, today=DAY, forbund="Avesta")
    assert envelopes.read(a, passwords()).groups != envelopes.read(b, passwords()).groups
    for source in (SRC / "samrehab_cli").rglob("*.py"):
        for line in source.read_text(encoding="utf-8").splitlines():
            assert "random.Random(" not in line and ".seed(" not in line, (source, line)
    assert "secrets.SystemRandom()" in (SRC / "samrehab_cli" / "isf" / "envelopes.py").read_text(encoding="utf-8")


# --- through the CLI ---------------------------------------------------------------------------------------------
def test_cli_makes_and_continues_a_list_and_never_prints_a_group(run, tmp_path: Path, password_file: Path) -> None:
    path = tmp_path / "kuvert.xlsx"
    made = run("envelopes", "--forbund", "Avesta", "--count", "18", "-o", path, "--password-file", password_file)
    assert made.exit_code == 0, made.output
    assert "kuvert 1–20" in made.stdout and "18 avrundades uppåt till 20" in made.stdout
    assert "Etiketter 1–20" in made.stdout
    more = run("envelopes", "--continue", path, "--count", "10", "--format", "json", "--password-file",
               password_file)
    assert more.exit_code == 0, more.output
    result = json.loads(more.stdout)
    assert (result["first"], result["last"], result["batch"], result["total"]) == (21, 30, 2, 30)
    assert "Kontrollgrupp" not in made.stdout and not {"group", "groups", "envelopes"} & set(result)
    assert [e.number for e in envelopes.read(path, passwords()).envelopes] == list(range(1, 31))


@pytest.mark.parametrize("args, words", [
    (["--count", "10"], "Ange en ny lista med -o FIL"),
    (["--count", "10", "-o", "x.xlsx"], "--forbund"),
    (["--count", "0", "-o", "x.xlsx", "--forbund", "A"], "--count"),
    (["--count", "10", "-o", "x.xlsx", "--continue", "y.xlsx", "--forbund", "A"], "inte båda"),
    (["--count", "10", "--continue", "saknas.xlsx"], "finns inte"),
])
def test_cli_says_what_is_missing(run, tmp_path: Path, password_file: Path, monkeypatch: pytest.MonkeyPatch,
                                  args: list[str], words: str) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("envelopes", *args, "--password-file", password_file)
    assert result.exit_code == 2 and words in result.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_cli_refuses_to_replace_a_list(run, tmp_path: Path, password_file: Path) -> None:
    path = tmp_path / "kuvert.xlsx"
    assert run("envelopes", "--forbund", "Avesta", "--count", "5", "-o", path, "--password-file",
               password_file).exit_code == 0
    before = path.read_bytes()
    again = run("envelopes", "--forbund", "Avesta", "--count", "5", "-o", path, "--password-file", password_file)
    assert again.exit_code == 2 and "--continue" in again.stderr and path.read_bytes() == before
