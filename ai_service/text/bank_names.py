"""Banks' own names made with "bank": Укрексімбанк, Sberbank, Альфа-Банк, in any case form (Приватбанку).

The listed names (ВТБ, Райффайзен, …) are ``dictionaries/context/bank_names.txt``; compounds are
recognised by their ending: three or more letters before it, so Банков (a surname) and банк
itself stay what they are.
"""

from __future__ import annotations

import re

_COMPOUND = re.compile(r"([^\W\d_]{3,}-?(?:bank|банк))(а|у|ом|е|і|ові)?", re.IGNORECASE)


def is_bank_compound(word: str) -> bool:
    return _COMPOUND.fullmatch(word) is not None


def bank_nominative(word: str) -> str:
    """``Приватбанку`` -> ``Приватбанк``: a compound bank name without its case ending."""
    m = _COMPOUND.fullmatch(word)
    return m.group(1) if m else word
