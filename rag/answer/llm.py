"""Hits → Answer from any LangChain chat model (the optional plug-in), each sentence checked against
the passage it cites: "cut it by 95% [1]" where passage 1 says 87% → kept, marked unverified.
Does NOT retrieve or trust the model: with nothing verified it falls back to the extractive answer.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate

from rag.answer.citations import support_score
from rag.answer.extractive import abstain, extractive_answer, score_sentences
from rag.config import Settings
from rag.engine import Engine
from rag.errors import LlmError
from rag.schema import UNVERIFIED, Answer, AnswerSentence, Citation, Hit, Sentence
from rag.text.cues import looks_like_instruction
from rag.text.reply import PASSAGE_MARKER, split_sentences

NO_ANSWER = "The passages don't say."
# provider → (module, class, pip extra); imported only when that provider is used.
PROVIDERS = {
    "openai": ("langchain_openai", "ChatOpenAI", "openai"),
    "bedrock": ("langchain_aws", "ChatBedrockConverse", "aws"),
    "anthropic": ("langchain_anthropic", "ChatAnthropic", "anthropic"),
}
_MODEL_EXAMPLES = {
    "openai": "RAG_LLM_MODEL=llama3.1 RAG_LLM_BASE_URL=http://localhost:11434/v1 for Ollama",
    "bedrock": "RAG_LLM_MODEL=anthropic.claude-3-5-haiku-20241022-v1:0",
    "anthropic": "RAG_LLM_MODEL=claude-3-5-haiku-latest",
}
# A source sentence that talks to the model is an injection attempt, never evidence.


def make_chat_model(settings: Settings) -> BaseChatModel:
    """The chat model the RAG_LLM_* settings describe; LlmError says what to set or install."""
    return _chat_model(
        settings.llm_provider,
        settings.llm_model.strip(),
        settings.llm_base_url.strip(),
        settings.llm_api_key,
        settings.llm_temperature,
        settings.llm_max_tokens,
        settings.llm_timeout_s,
    )


@lru_cache(maxsize=4)
def _chat_model(
    provider: str,
    model: str,
    base_url: str,
    api_key: str,
    temperature: float,
    max_tokens: int,
    timeout_s: float,
) -> BaseChatModel:
    if not model:
        raise LlmError(
            f"No LLM model is set for the {provider} provider. Set RAG_LLM_MODEL "
            f"(e.g. {_MODEL_EXAMPLES[provider]}), or use the extractive answerer."
        )
    module_name, class_name, extra = PROVIDERS[provider]
    try:
        chat_class = getattr(importlib.import_module(module_name), class_name)
    except ImportError as exc:
        package = module_name.replace("_", "-")
        raise LlmError(
            f"The {provider} LLM provider needs {package}: pip install 'rag[{extra}]'"
        ) from exc
    kwargs: dict[str, Any] = {
        "model": model,
        "temperature": temperature,
        "max_tokens": max_tokens,  # a model that rambles on is cut off, not waited for
    }
    if provider != "bedrock":  # Bedrock's client sets its own timeouts
        kwargs["timeout"] = timeout_s
    if provider == "openai" and base_url:
        # langchain-openai sends the cap as `max_completion_tokens`, which OpenAI-compatible
        # servers such as llama.cpp's ignore: without the old name they generate to n_ctx.
        kwargs["extra_body"] = {"max_tokens": max_tokens}
    if base_url:
        kwargs["base_url"] = base_url
    if provider != "bedrock" and (api_key or base_url):
        # Local OpenAI-compatible servers (vLLM, llama.cpp, Ollama) accept any key.
        kwargs["api_key"] = api_key or "unused"
    try:
        model_obj: BaseChatModel = chat_class(**kwargs)
    except Exception as exc:  # each provider validates differently; all mean "check settings"
        raise LlmError(
            f"Could not set up the {provider} model {model!r}: {exc}. "
            "Check RAG_LLM_MODEL, RAG_LLM_BASE_URL and RAG_LLM_API_KEY."
        ) from exc
    return model_obj


@lru_cache(maxsize=1)
def answer_prompt() -> ChatPromptTemplate:
    """rag/prompts/answer.txt: the system rules, a line `---`, then the user message."""
    text = (Path(__file__).parents[1] / "prompts" / "answer.txt").read_text(encoding="utf-8")
    system, human = text.split("\n---\n", 1)
    return ChatPromptTemplate.from_messages([("system", system.strip()), ("human", human.strip())])


def prompt_inputs(question: str, hits: list[Hit]) -> dict[str, str]:
    passages = "\n\n".join(
        f"[{n}] {hit.title}\n{hit.chunk.text}" for n, hit in enumerate(hits, start=1)
    )
    return {"question": question, "passages": passages, "no_answer": NO_ANSWER}


def prompt_messages(question: str, hits: list[Hit]) -> list[BaseMessage]:
    """Exactly what the model is sent."""
    return answer_prompt().format_messages(**prompt_inputs(question, hits))


def llm_answer(
    question: str, hits: list[Hit], engine: Engine, model: BaseChatModel | None = None
) -> Answer:
    """Ask the model (`model`, else `engine.chat_model`, else the one Settings describe), then keep
    only what its cited passages support. A failed call falls back to the extractive answer; a
    model that is not configured or installed raises LlmError (the user has something to fix)."""
    if not hits:
        reason = "No passage was retrieved, so the model was not asked."
        return _as_llm(abstain(question, [], engine.retriever, reason=reason))
    chat = model or engine.chat_model or make_chat_model(engine.settings)
    try:
        reply = (answer_prompt() | chat | StrOutputParser()).invoke(prompt_inputs(question, hits))
    except Exception as exc:  # connection refused, timeouts, rate limits: never a crash
        return fallback(question, hits, engine, f"The LLM call failed ({_describe(exc)}).")
    return read_reply(question, reply, hits, engine)


@dataclass
class Claim:
    """One sentence of the model's reply, markers removed."""

    text: str
    cited: list[int]
    dropped: list[int]


@dataclass
class Support:
    hit: Hit
    sentence: Sentence
    score: float


def read_reply(question: str, reply: str, hits: list[Hit], engine: Engine) -> Answer:
    claims = parse_reply(reply, len(hits))
    if says_no_answer(reply) and not any(c.cited for c in claims):
        scored = score_sentences(question, hits, engine.retriever)
        reason = "The model found no answer in the retrieved passages."
        return _as_llm(abstain(question, scored, engine.retriever, reason=reason))
    if not claims:
        return fallback(question, hits, engine, "The model's reply was empty.")
    answer = assemble(question, claims, hits, engine)
    if not any(s.verified for s in answer.sentences):
        why = f"None of the model's {len(claims)} sentence(s) is supported by the passage cited."
        return fallback(question, hits, engine, why)
    return answer


def parse_reply(reply: str, passages: int) -> list[Claim]:
    """Sentences with their in-range citations: ("A [1]. B [9].", 5) → A cites [1]; B cites
    nothing, [9] dropped."""
    claims = []
    for piece in split_sentences(reply):
        numbers = [int(n) for m in PASSAGE_MARKER.findall(piece) for n in re.findall(r"\d+", m)]
        text = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(PASSAGE_MARKER.sub(" ", piece).split()))
        if any(c.isalnum() for c in text):
            cited = list(dict.fromkeys(n for n in numbers if 1 <= n <= passages))
            dropped = sorted({n for n in numbers if not 1 <= n <= passages})
            claims.append(Claim(text, cited, dropped))
    return claims


def says_no_answer(reply: str) -> bool:
    text = " ".join(reply.lower().replace("’", "'").replace("do not", "don't").split())
    return "passages don't say" in text


def assemble(question: str, claims: list[Claim], hits: list[Hit], engine: Engine) -> Answer:
    """Citations numbered 1..m over the distinct source sentences that back a claim, in order of
    first use; the reply's own [n] (passage numbers) are replaced by these."""
    threshold = engine.settings.support_threshold
    citations: dict[tuple[str, int], Citation] = {}
    sentences = []
    for claim in claims:
        supports = sorted(
            (best_support(claim.text, hits[p - 1], engine) for p in claim.cited),
            key=lambda s: -s.score,
        )
        score = supports[0].score if supports else 0.0
        verified = score >= threshold
        # Only quotes that back their sentence are shown; an unverified sentence gets none.
        backing = [s for s in supports if s.score >= threshold]
        numbers = list(dict.fromkeys(_number(s, citations, engine) for s in backing))
        sentences.append(
            AnswerSentence(text=claim.text, citations=numbers, verified=verified, support=score)
        )
    return Answer.from_sentences(
        question,
        sentences,
        list(citations.values()),
        reason=_notes(claims, sentences),
        answerer="llm",
    )


def best_support(claim: str, hit: Hit, engine: Engine) -> Support:
    """The sentence of the hit's chunk that best supports the claim."""
    index = engine.index
    candidates = [index.sentences[row] for row in index.chunk_sentences(hit.chunk)]
    scored = [Support(hit, s, _support(claim, s, engine)) for s in candidates]
    return max(scored, key=lambda s: s.score)


def _support(claim: str, sentence: Sentence, engine: Engine) -> float:
    if looks_like_instruction(sentence.text):
        return 0.0
    return support_score(claim, sentence.text, engine.embedder)


def _number(support: Support, citations: dict[tuple[str, int], Citation], engine: Engine) -> int:
    s = support.sentence
    key = (s.doc_id, s.idx)
    if key not in citations:
        row = engine.index.sentence_row(s.doc_id, s.idx)
        citations[key] = Citation(
            n=len(citations) + 1,
            doc_id=s.doc_id,
            title=support.hit.title,
            quote=s.text,
            start=s.start,
            end=s.end,
            score=round(support.score, 4),
            context=engine.retriever.antecedent(row),
        )
    return citations[key].n


def _notes(claims: list[Claim], sentences: list[AnswerSentence]) -> str:
    notes = []
    unverified = sum(not s.verified for s in sentences)
    if unverified:
        notes.append(
            f"{unverified} of {len(sentences)} sentence(s) not supported by the cited passages, "
            f"marked {UNVERIFIED}."
        )
    dropped = sorted({n for c in claims for n in c.dropped})
    if dropped:
        listed = ", ".join(f"[{n}]" for n in dropped)
        notes.append(f"Dropped citation(s) {listed} to passages that were not given.")
    return " ".join(notes)


def fallback(question: str, hits: list[Hit], engine: Engine, why: str) -> Answer:
    answer = extractive_answer(question, hits, engine)
    reason = " ".join(filter(None, [why, "Showing the extractive answer instead.", answer.reason]))
    return answer.model_copy(update={"answerer": "llm-fallback", "reason": reason})


def _as_llm(answer: Answer) -> Answer:
    return answer.model_copy(update={"answerer": "llm"})


def _describe(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 200 else text[:199] + "…"
