"""Feedback under the Ask tab's conversation: 👍 or 👎 on one of its answers (the newest unless
another is picked), an optional reason and note, saved to the store beside the index
(rag/feedback.py). ui/app.py calls `feedback_row` once, under the conversation.

Does NOT draft eval items: `rag feedback export` does, from what is saved here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import gradio as gr

from rag.feedback import REASONS, record
from rag.schema import Answer
from ui import render
from ui.assets import CSS
from ui.handlers import Resources, failure_html

CHOSEN = {"up": "👍", "down": "👎"}
SHOWN = 70  # characters of a question in the answer picker


def feedback_row(res: Resources, turns: gr.State) -> None:
    """👍 / 👎, reason, note and Send, for the answers in `turns`; hidden until there is one."""
    rating = gr.State("")
    with gr.Group(visible=False, elem_id="feedback") as group:
        with gr.Row(equal_height=True):
            turn = gr.Dropdown(
                label="Feedback on the answer to", choices=[], elem_id="feedback-turn", scale=3
            )
            up = gr.Button("👍 Right", elem_id="feedback-up", min_width=90, scale=0)
            down = gr.Button("👎 Wrong", elem_id="feedback-down", min_width=90, scale=0)
            reason = gr.Dropdown(
                label="Reason (optional)",
                choices=list(REASONS),
                value=None,
                elem_id="feedback-reason",
                scale=2,
            )
            note = gr.Textbox(label="Note (optional)", elem_id="feedback-note", scale=3)
            send = gr.Button("Send feedback", elem_id="feedback-send", scale=1)
        status = gr.HTML("", elem_id="feedback-status", css_template=CSS)
    buttons = [rating, up, down]
    private: dict[str, Any] = {"api_visibility": "private"}
    turns.change(shown, turns, [group, turn, *buttons, status], **private)
    up.click(lambda: chosen("up"), outputs=[*buttons, status], **private)
    down.click(lambda: chosen("down"), outputs=[*buttons, status], **private)

    def send_feedback(
        history: list[Answer], picked: int | None, rated: str, why: str | None, text: str
    ) -> tuple[Any, ...]:
        """Save 👍/👎 (with an optional reason and note) on one answer of the conversation."""
        html, saved = save(res, history, picked, rated, why or "", text or "")
        if not saved:
            return html, *[gr.skip()] * 5
        return html, *_buttons(""), None, ""

    send.click(
        send_feedback,
        [turns, turn, rating, reason, note],
        [status, *buttons, reason, note],
        api_name="feedback",
    )


def turn_choices(turns: Sequence[Answer]) -> list[tuple[str, int]]:
    """The picker's entries, newest first: ("2. And Google?", 1)."""
    return [(f"{n}. {_clip(a.question)}", n - 1) for n, a in reversed(list(enumerate(turns, 1)))]


def shown(turns: Sequence[Answer]) -> tuple[Any, ...]:
    """After the conversation changes: the row (shown once there is an answer), the newest
    answer picked, nothing chosen yet."""
    choices = turn_choices(turns)
    picker = gr.Dropdown(choices=choices, value=choices[0][1] if choices else None)
    return gr.Group(visible=bool(turns)), picker, *chosen("")


def chosen(rating: str) -> tuple[Any, ...]:
    """The rating kept for Send, the buttons (the chosen one highlighted), and a hint."""
    hint = ""
    if rating:
        hint = render.notice_box(
            f"{CHOSEN[rating]} chosen. Add a reason or a note if you like, then Send feedback."
        )
    return (*_buttons(rating), hint)


def _buttons(rating: str) -> tuple[Any, ...]:
    return (
        rating,
        gr.Button(variant="primary" if rating == "up" else "secondary"),
        gr.Button(variant="primary" if rating == "down" else "secondary"),
    )


def save(
    res: Resources,
    turns: Sequence[Answer],
    picked: int | None,
    rating: str,
    reason: str = "",
    note: str = "",
) -> tuple[str, bool]:
    """Record the feedback; the status HTML and whether it was saved."""
    if not turns:
        return render.error_box("Ask a question first; feedback is on an answer."), False
    if not isinstance(rating, str) or rating not in CHOSEN:
        return render.error_box("Choose 👍 or 👎 first, then Send feedback."), False
    if picked is None:
        picked = len(turns) - 1
    if not isinstance(picked, int) or not 0 <= picked < len(turns):
        return render.error_box("Pick the answer the feedback is on."), False
    try:
        saved = record(res.settings, rating, turns[picked], note=note, reason=reason)
    except Exception as exc:
        return failure_html(exc), False
    return render.notice_box(f"Thanks — saved (#{saved})."), True


def _clip(text: str) -> str:
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"
