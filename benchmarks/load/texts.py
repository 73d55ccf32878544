"""The load of the load benchmark: payment texts made from the loaded lists.

* **Short texts** (the /process stream): the payment-text generator of the quality
  benchmark (``generate_payment_cases``: listed people and organisations phrased as
  payments in uk / ru / en, inflected, initials, typos, with IDs or dates of birth,
  plus clean payments, invented people and near-miss names), one positive to three
  negatives, as real traffic is mostly clean. Every request draws one of those
  cases by a Zipf law over a shuffled rank (s = 1: the same payees come back as in
  real traffic; with 3,000 cases the top 10 take about a third of the draws) and
  gets a random amount / date tail, so the texts themselves are unique (no text
  cache can help) while the names repeat. Each is < 300 characters (SPEC §8's short text).
* **Long texts**: payment registers / contract extracts in one language — numbered
  payment lines (short texts as above) between boilerplate sentences, about one
  payment line per 1,000 characters (the results report the real count). ``long``
  holds ~10,000-character ones (the SPEC §8 long-text figure); the ``mixed`` stream
  is 90 % short texts and 10 % long texts of 1,000–10,000 characters.
* **Batches**: ``{"texts": [100 short texts]}`` bodies for POST /process/batch.

Everything is deterministic for a snapshot and seed and written as JSON request
bodies, one per line (the format ``wrk.lua`` and ``driver.py`` both read).
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from ai_service.lists.loader import ListsSnapshot
from benchmarks.quality.payment_texts import PaymentCase, generate_payment_cases

SHORT_MAX = 299  # SPEC §8: a short text is < 300 characters
LONG_CHARS = 10_000  # SPEC §8's long text (= the default MAX_INPUT_LENGTH)
ZIPF_S = 1.0

_TAILS = {
    "uk": (", сума {a} грн", ", у т.ч. ПДВ {v} грн", " від {d}", " ({a} UAH)", ", без ПДВ, сума {a}"),
    "ru": (", сумма {a} руб.", ", в т.ч. НДС {v}", " от {d}", " ({a} RUB)", ", без НДС, сумма {a}"),
    "en": (", amount USD {a}", " dated {d}", ", EUR {a}", ", incl. VAT {v}", " value date {d}"),
}
_BOILERPLATE = {
    "uk": (
        "Відповідно до умов договору №{n} від {d} платник зобов'язується здійснити оплату протягом п'яти "
        "банківських днів з моменту отримання рахунку.",
        "Оплата здійснюється в національній валюті України шляхом безготівкового переказу на поточний рахунок "
        "одержувача, зазначений у реквізитах.",
        "Сторони погодили, що комісія банку за здійснення переказу сплачується за рахунок платника.",
        "Реєстр платежів сформовано автоматично {d}, загальна сума реєстру {a} грн, у тому числі ПДВ {v} грн.",
        "Призначення платежу: розрахунки за поставлені товари та надані послуги згідно з видатковими накладними "
        "за {m} поточного року.",
        "У разі повернення коштів просимо зазначати номер цього реєстру та дату платежу.",
        "Підстава: службова записка №{n}, погоджено фінансовим директором.",
        "Кошти зараховуються на картковий рахунок, відкритий у банку одержувача, протягом операційного дня.",
    ),
    "ru": (
        "В соответствии с условиями договора №{n} от {d} плательщик обязуется произвести оплату в течение пяти "
        "банковских дней с момента получения счета.",
        "Оплата производится в безналичной форме путем перечисления денежных средств на расчетный счет "
        "получателя, указанный в реквизитах.",
        "Стороны согласовали, что комиссия банка за перевод оплачивается за счет плательщика.",
        "Реестр платежей сформирован автоматически {d}, общая сумма реестра {a} руб., в том числе НДС {v} руб.",
        "Назначение платежа: расчеты за поставленные товары и оказанные услуги по товарным накладным за {m} "
        "текущего года.",
        "При возврате средств просим указывать номер настоящего реестра и дату платежа.",
        "Основание: служебная записка №{n}, согласовано финансовым директором.",
    ),
    "en": (
        "Under the terms of agreement no. {n} dated {d} the payer shall settle the invoice within five business "
        "days of receipt.",
        "Payment is made by bank transfer to the beneficiary account stated in the remittance details.",
        "The parties agree that all bank charges outside the beneficiary's bank are borne by the remitter.",
        "This payment register was generated on {d}; register total {a} USD including VAT {v} USD.",
        "Purpose of payment: settlement for goods delivered and services rendered as per the delivery notes for "
        "{m} of the current year.",
        "For any refund please quote the register number and the value date of this payment.",
        "Approved by the chief financial officer, internal memo {n}.",
    ),
}
_MONTHS = {"uk": ("січень", "лютий", "березень", "квітень"), "ru": ("январь", "февраль", "март", "апрель"),
           "en": ("January", "February", "March", "April")}


@dataclass
class Load:
    short: list[str]  # the /process short-text stream
    mixed: list[str]  # 90 % short, 10 % long (1,000–10,000 chars)
    long: list[str]  # ~10,000-character texts
    batches: list[list[str]]  # batch_size short texts each
    stats: dict = field(default_factory=dict)

    def write(self, directory: Path) -> dict[str, Path]:
        """JSON request bodies, one per line: short/mixed/long for /process, batch for /process/batch."""
        directory.mkdir(parents=True, exist_ok=True)
        files = {"short": [{"text": t} for t in self.short], "mixed": [{"text": t} for t in self.mixed],
                 "long": [{"text": t} for t in self.long], "batch": [{"texts": b} for b in self.batches]}
        out = {}
        for name, bodies in files.items():
            path = directory / f"{name}.jsonl"
            path.write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bodies), encoding="utf-8")
            out[name] = path
        return out


def _date(rnd: Random) -> str:
    return f"{rnd.randint(1, 28):02d}.{rnd.randint(1, 12):02d}.{rnd.choice((2024, 2025))}"


def _fill(template: str, rnd: Random, lang: str) -> str:
    amount = rnd.randint(100, 250_000) + rnd.randint(0, 99) / 100
    return template.format(a=f"{amount:.2f}", v=f"{amount / 6:.2f}", d=_date(rnd), n=f"{rnd.randint(1, 999)}/"
                           f"{rnd.randint(1, 99)}", m=rnd.choice(_MONTHS[lang]))


class _Zipf:
    """Draws cases by a Zipf law over a fixed random rank."""

    def __init__(self, cases: list[PaymentCase], rnd: Random, s: float = ZIPF_S) -> None:
        self.cases = cases[:]
        rnd.shuffle(self.cases)
        self.cum = list(itertools.accumulate(1.0 / (r ** s) for r in range(1, len(self.cases) + 1)))
        self.rnd = rnd
        self.drawn: Counter[int] = Counter()

    def draw(self, lang: str | None = None) -> PaymentCase:
        for _ in range(50):
            i = bisect.bisect_left(self.cum, self.rnd.random() * self.cum[-1])
            i = min(i, len(self.cases) - 1)
            if lang is None or self.cases[i].lang == lang:
                self.drawn[i] += 1
                return self.cases[i]
        return self.draw(None)


def _short(z: _Zipf, rnd: Random, lang: str | None = None) -> str:
    for _ in range(20):
        case = z.draw(lang)
        text = case.text
        for tail in rnd.sample(_TAILS[case.lang], rnd.choice((1, 1, 2))):
            text += _fill(tail, rnd, case.lang)
        if len(text) <= SHORT_MAX:
            return text
    return text[:SHORT_MAX].rsplit(" ", 1)[0]


def long_text(z: _Zipf, rnd: Random, chars: int, lines_per_1000: float = 1.0) -> tuple[str, int]:
    """A payment register / contract extract of at most ``chars`` characters (and at least ``chars`` - 150),
    and the number of payment lines in it."""
    lang = rnd.choice(("uk", "uk", "ru", "en"))
    parts: list[str] = []
    size, line_no = 0, 0
    boiler = _BOILERPLATE[lang]
    # Payment lines are ~110 characters, boilerplate sentences ~150 (a rough target only).
    p_line = 150 * lines_per_1000 / (1000 + 40 * lines_per_1000)
    for _ in range(10_000):
        if size >= chars - 150:
            break
        if rnd.random() < p_line:
            line_no += 1
            piece = f"{line_no}) {_short(z, rnd, lang)};"
        else:
            piece = _fill(rnd.choice(boiler), rnd, lang)
        if size + len(piece) + 1 > chars:
            continue
        parts.append(piece)
        size += len(piece) + 1
    text = "\n".join(parts) if lang != "en" else " ".join(parts)
    return text[:chars], line_no


def build_load(snapshot: ListsSnapshot, *, cases: int = 3000, short: int = 20_000, long: int = 40,
               batches: int = 30, batch_size: int = 100, long_share: float = 0.10, mixed: int = 4000,
               seed: int = 20261122, generated: list[PaymentCase] | None = None) -> Load:
    """The whole load from ``snapshot``; ``cases`` payment cases (1 positive : 3 negatives) drawn Zipf-like."""
    rnd = Random(seed)
    pos = cases // 4
    made = generated if generated is not None else generate_payment_cases(
        snapshot, positives=pos, negatives=cases - pos, seed=seed)
    if not made:
        raise ValueError("the lists gave no payment cases to build a load from")
    z = _Zipf(made, rnd)
    short_texts = [_short(z, rnd) for _ in range(short)]
    mix: list[str] = []
    long_in_mix = 0
    for _ in range(mixed):
        if rnd.random() < long_share:
            mix.append(long_text(z, rnd, rnd.randint(1_000, LONG_CHARS))[0])
            long_in_mix += 1
        else:
            mix.append(_short(z, rnd))
    made_long = [long_text(z, rnd, LONG_CHARS) for _ in range(long)]
    long_texts = [t for t, _ in made_long]
    batch_texts = [[_short(z, rnd) for _ in range(batch_size)] for _ in range(batches)]
    top = z.drawn.most_common(10)
    total = sum(z.drawn.values())
    lengths = [len(t) for t in short_texts]
    stats = {
        "cases": len(made), "positive_cases": sum(c.kind == "positive" for c in made),
        "zipf_s": ZIPF_S, "draws": total, "distinct_cases_drawn": len(z.drawn),
        "top10_share": round(sum(n for _, n in top) / total, 3) if total else 0.0,
        "short": {"n": len(short_texts), "distinct": len(set(short_texts)),
                  "mean_chars": round(sum(lengths) / len(lengths), 1) if lengths else 0,
                  "max_chars": max(lengths, default=0),
                  "by_lang": dict(Counter(c.lang for c in made)), "by_kind": dict(Counter(c.kind for c in made))},
        "mixed": {"n": len(mix), "long": long_in_mix,
                  "mean_chars": round(sum(map(len, mix)) / len(mix), 1) if mix else 0},
        "long": {"n": len(long_texts), "min_chars": min(map(len, long_texts), default=0),
                 "max_chars": max(map(len, long_texts), default=0),
                 "payment_lines_mean": round(sum(n for _, n in made_long) / len(made_long), 1) if made_long else 0},
        "batches": {"n": len(batch_texts), "size": batch_size},
        "seed": seed,
    }
    return Load(short_texts, mix, long_texts, batch_texts, stats)
