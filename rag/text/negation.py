"""Whether a question asks about an absence ("Where were the tribes *not* located?") and whether a
sentence states one ("… does not directly attack microbes", "excluding only Muslim Iberia").

A sentence that states no negation, exclusion or refusal does not say what did *not* happen,
whatever words it shares with the question: "Where were the Germanic tribes not originally
located?" is not answered by "From their original homelands in Scandinavia …". Does NOT decide
which sentence answers (answer/extractive.py zeroes such a sentence's score).
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text.followup import AUX_WORDS

# The question's own negation: "not", "n't", "never", "no" (not "No. 5"), "none", "nobody",
# "nothing", "nowhere". "without", "neither", "nor" are left out: "Who ruled without a
# parliament?" asks about what happened, and its answer shares the word anyway.
_ASKS_A_NEGATIVE = re.compile(
    r"\b(?:not|never|no(?!\.)|none|nobody|nothing|nowhere)\b|n[’']t\b|\bcannot\b", re.I
)
# A yes/no question asks the same negated or not ("Isn't Claude on Bedrock?"), and "… or not
# (yet)?" only offers the other answer: neither asks about an absence.
_YES_NO = re.compile(rf"^\W*(?:{AUX_WORDS}|may|must|shall)(?:n[’']t)?\b", re.I)
_OR_NOT = re.compile(r"\b(?:whether\s+)?or\s+(?:not|no)(?:\s+yet)?\b", re.I)
# A title quoted in the question is a name, whatever its words: "Who directed "Don't Drink the
# Water"?" asks nothing about an absence.
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”')
# Negation, exclusion, refusal and absence in a sentence: the grammar's negators, words that
# exclude or refuse ("except", "excluding", "rather than", "refused", "failed", "lacks",
# "denied", "barred", "unable") and a noun negated by "non-" ("non-Catholics"). Words negated
# by "un-" are left out: "unlimited computing power", "unprecedented growth" state what is,
# and on SQuAD 2.0's 600 questions reading them changed one answer, for the worse. Written from
# English grammar, not fitted; the SQuAD 2.0 public half, where 226 of the 244 questions with a
# negation are unanswerable, was used to check it (bench/README.md, "Questions about what did
# not happen").
_STATES_A_NEGATIVE = re.compile(
    r"\b(?:not|never|no|none|nobody|nothing|nowhere|neither|nor|without|cannot|unable|instead"
    r"|rather than|other than|except\w*|exclu\w*|refus\w*|fail\w*|lack\w*|den(?:y|ies|ied|ial)"
    r"|reject\w*|absen\w*|prevent\w*|prohibit\w*|forb[ia]d\w*|barred|ban(?:s|ned)?)\b"
    r"|n[’']t\b|\bnon-[a-z]",
    re.I,
)


def asks_a_negative(question: str) -> bool:
    """Does the question ask about what did not happen, or is not so?

    >>> asks_a_negative("Where were the Germanic tribes not originally located?")
    True
    >>> asks_a_negative("What didn't Newton's mechanics affect?")
    True
    >>> asks_a_negative("Who ruled without a parliament?"), asks_a_negative("What is No. 5?")
    (False, False)
    >>> asks_a_negative("Isn't Claude on Bedrock?"), asks_a_negative("Can I use it, or not yet?")
    (False, False)
    >>> asks_a_negative("Who is the director of “Don’t Drink the Water”?")
    False
    """
    if _YES_NO.match(question):
        return False
    return bool(_ASKS_A_NEGATIVE.search(_OR_NOT.sub(" ", _QUOTED.sub(" ", question))))


# "Who is no longer in the band?" asks what stopped: a sentence saying someone left, resigned,
# retired or was replaced answers it without a negation ("In 2019 Ibáñez left the band").
_NO_LONGER = re.compile(r"\bno\s+longer\b|\bnot\s+(?:\w+\s+)?any\s?more\b", re.I)
_CEASES = re.compile(
    r"\b(?:left|quit|quits|resign\w*|depart\w*|retire\w*|former(?:ly)?|ceas\w*|stopp\w*"
    r"|ended|abandon\w*|replaced|dropped|removed|discontinu\w*)\b",
    re.I,
)


def answers_a_negative(question: str, text: str) -> bool:
    """May the sentence answer a question about what did not happen (asks_a_negative)? When it
    states a negation, or, for "no longer", that something stopped.

    >>> answers_a_negative("Who is no longer in the band?", "In 2019 Ibáñez left the band.")
    True
    >>> answers_a_negative("Who is not in the band?", "In 2019 Ibáñez left the band.")
    False
    """
    if states_a_negative(text):
        return True
    return _asks_what_stopped(question) and bool(_CEASES.search(text))


@lru_cache(maxsize=256)  # answers_a_negative reads the question again for every scored sentence
def _asks_what_stopped(question: str) -> bool:
    return bool(_NO_LONGER.search(question))


@lru_cache(maxsize=1 << 16)
def states_a_negative(text: str) -> bool:
    """Does the sentence state a negation, an exclusion, a refusal or an absence?

    >>> states_a_negative("NK cells are a component which does not directly attack microbes.")
    True
    >>> states_a_negative("The Germanic conquest was complete, excluding only Muslim Iberia.")
    True
    >>> states_a_negative("The UK and France refused to allow America to use their airfields.")
    True
    >>> states_a_negative("Anthropic will have virtually unlimited computing power.")
    False
    >>> states_a_negative("From their homelands in Scandinavia, the tribes expanded until 400.")
    False
    >>> states_a_negative("It rose nonetheless, and non-state parties could sue.")
    True
    """
    return bool(_STATES_A_NEGATIVE.search(text))
