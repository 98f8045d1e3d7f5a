"""SQuAD's answer normalisation (lower case, no punctuation, no English articles), as its
official evaluation script does it, so that scores here match published ones.

Does NOT score (judge/metrics.py and the benchmarks do).
"""

from __future__ import annotations

import re
import string


def normalize(text: str) -> str:
    """SQuAD's answer normalisation: "The Broncos!" → "broncos"."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", text).split())
