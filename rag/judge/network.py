"""The judge's network in torch: the packaged MiniLM reading question and sentence together, a
yes/no head on [CLS] and a start/end head over the tokens (SQuAD-style, [CLS] = no answer).

Does NOT ship the word embeddings: they stay frozen at the packaged values, so the artifact holds
only what training changes (~21 MB in fp16). Only judge/scorer.py and judge/train.py import this
module.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import torch

FROZEN = ("encoder.embeddings.word_embeddings.weight",)
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class JudgeNet(torch.nn.Module):
    """(ids, mask, types) → (answer logit per pair, start logits, end logits per token)."""

    def __init__(self, source: Path) -> None:
        super().__init__()
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()  # its load report lists the pooler we leave out
        hf_logging.disable_progress_bar()  # "Loading weights" bars in the CLI's output
        self.encoder = AutoModel.from_pretrained(
            str(source), attn_implementation="eager", add_pooling_layer=False
        )
        hidden = int(self.encoder.config.hidden_size)
        self.dropout = torch.nn.Dropout(0.1)
        self.score = torch.nn.Linear(hidden, 1)
        self.span = torch.nn.Linear(hidden, 2)
        for name, param in self.named_parameters():
            param.requires_grad = name not in FROZEN

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        hidden = self.dropout(hidden)
        logit = self.score(hidden[:, 0]).squeeze(-1)
        start, end = self.span(hidden).unbind(-1)
        return logit, start, end


def trained_state(net: JudgeNet) -> dict[str, torch.Tensor]:
    """What the artifact stores: every tensor but the frozen ones, in fp16."""
    return {
        k: v.detach().half().contiguous() for k, v in net.state_dict().items() if k not in FROZEN
    }


def save_net(net: JudgeNet, dest: Path) -> None:
    from safetensors.torch import save_file

    save_file(trained_state(net), str(dest), metadata={"format": "pt"})


def load_net(source: Path, weights: Path) -> JudgeNet:
    """The packaged encoder with the artifact's tensors laid over it, in eval mode."""
    from safetensors.torch import load_file

    net = JudgeNet(source)
    state = {k: v.float() for k, v in load_file(str(weights)).items()}
    missing, unexpected = net.load_state_dict(state, strict=False)
    if unexpected or set(missing) - set(FROZEN):
        raise ValueError(f"{weights} does not fit the judge: {missing=} {unexpected=}")
    return net.eval()


def export_onnx(net: JudgeNet, dest: Path) -> None:
    """Trace the judge to ONNX with dynamic batch and length (outputs: logit, start, end)."""
    ids = torch.tensor([[101, 7592, 102, 2088, 102], [101, 7592, 102, 2088, 0]])
    args = (ids, (ids > 0).long(), torch.tensor([[0, 0, 0, 1, 1], [0, 0, 0, 1, 0]]))
    axes: dict[str, Any] = {name: {0: "batch", 1: "tokens"} for name in (*_INPUTS, "start", "end")}
    axes["logit"] = {0: "batch"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            net.eval(),
            args,
            str(dest),
            input_names=list(_INPUTS),
            output_names=["logit", "start", "end"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )
