"""Skip the frozen lower layers after their first pass: the main CPU speed-up for LoRA on the top layers.

With LoRA only on the last ``k`` decoder layers, the first ``n - k`` layers are frozen and identical for the
policy and the reference model, so their output for a given token sequence never changes during training. We
compute it once (during TRL's reference log-prob precompute, which is a full forward anyway), keep it per
sequence, and on later forwards of the same sequences run only the top layers: a training step then costs about
``k / n`` of a full forward + backward, plus the output head.

It works only where it is exact: right-padded batches (TRL's DPO/KTO/SFT collators pad right), causal attention
(positions 0..len-1 do not depend on padding), no dropout in the frozen layers, no gradient needed below the LoRA
layers. Anything else falls through to the normal forward.
"""

from __future__ import annotations

import functools

import numpy as np


class FrozenPrefixCache:
    def __init__(self, model, n_frozen: int, *, max_bytes: int = 3 << 30, check_frozen: bool = True):
        self.inner = _decoder_stack(model)
        if n_frozen <= 0 or n_frozen > len(self.inner.layers):
            raise ValueError(f"n_frozen must be 1..{len(self.inner.layers)}")
        self.n_frozen = n_frozen
        self.max_bytes = max_bytes
        self.cache: dict[bytes, object] = {}
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._state = None
        self._captured: list | None = None
        self._handles = [self.inner.register_forward_pre_hook(self._pre, with_kwargs=True)]
        self._originals = []
        for i, layer in enumerate(self.inner.layers[:n_frozen]):
            if check_frozen:
                self.check_frozen(layer, i)
            self._originals.append((layer, layer.forward))
            layer.forward = functools.partial(self._layer_forward, i, layer.forward)

    @staticmethod
    def check_frozen(layer, index) -> None:
        for p in layer.parameters():
            if p.requires_grad:
                raise ValueError(f"layer {index} is trainable; only frozen layers can be cached")

    def verify(self) -> None:
        """Call once the trainer has frozen the base model (PEFT does it when it wraps the model)."""
        for i, layer in enumerate(self.inner.layers[: self.n_frozen]):
            self.check_frozen(layer, i)

    def remove(self) -> None:
        for h in self._handles:
            h.remove()
        for layer, forward in self._originals:
            layer.forward = forward
        self.cache.clear()

    # The decoder stack's forward: decide hit / miss for the whole batch.
    def _pre(self, module, args, kwargs):
        import torch

        self._state = None
        input_ids = kwargs.get("input_ids", args[0] if args else None)
        mask = kwargs.get("attention_mask")
        if input_ids is None or kwargs.get("past_key_values") is not None or kwargs.get("position_ids") is not None:
            return None
        if mask is None:
            mask = torch.ones_like(input_ids)
        if mask.dim() != 2:
            return None
        lengths = mask.sum(dim=1).tolist()
        width = input_ids.shape[1]
        ar = torch.arange(width, device=mask.device)[None, :]
        if not torch.equal(mask.bool(), ar < torch.tensor(lengths, device=mask.device)[:, None]):
            return None  # not right-padded: positions would shift
        keys = [input_ids[i, :n].cpu().numpy().tobytes() for i, n in enumerate(lengths)]
        if all(k in self.cache for k in keys):
            self.hits += len(keys)
            ref = self.cache[keys[0]]
            hidden = ref.new_zeros((len(keys), width, ref.shape[-1]))
            for i, k in enumerate(keys):
                h = self.cache[k]
                hidden[i, : h.shape[0]] = h
            self._state = ("hit", hidden.to(input_ids.device))
        else:
            self.misses += len(keys)
            self._state = ("miss", keys, lengths)
        return None

    def put(self, ids: list[int], hidden) -> bool:
        """Store the frozen layers' output (seq, hidden) for the token sequence ``ids``."""
        key = np.asarray(ids, dtype=np.int64).tobytes()
        if key in self.cache:
            return True
        h = hidden.detach().to("cpu", copy=True)
        size = h.numel() * h.element_size()
        if self.bytes + size > self.max_bytes:
            return False
        self.cache[key] = h
        self.bytes += size
        return True

    def start_capture(self) -> None:
        """Record the last frozen layer's output of every forward until ``take_capture``."""
        self._captured = []

    def take_capture(self) -> list:
        out, self._captured = self._captured or [], None
        return out

    def _layer_forward(self, index, original, hidden_states, *args, **kwargs):
        state = self._state
        if state is not None and state[0] == "hit":
            return state[1] if index == self.n_frozen - 1 else hidden_states
        out = original(hidden_states, *args, **kwargs)
        if self._captured is not None and index == self.n_frozen - 1:
            self._captured.append((out[0] if isinstance(out, tuple) else out).detach())
        if state is not None and index == self.n_frozen - 1:
            tensor = out[0] if isinstance(out, tuple) else out
            for i, (k, n) in enumerate(zip(state[1], state[2])):
                if k in self.cache:
                    continue
                h = tensor[i, :n].detach().to("cpu", copy=True)
                size = h.numel() * h.element_size()
                if self.bytes + size > self.max_bytes:
                    break
                self.cache[k] = h
                self.bytes += size
        return out


def _decoder_stack(model):
    """The module that owns ``layers`` and ``embed_tokens`` (LlamaModel and friends), through PEFT wrappers."""
    for module in model.modules():
        if hasattr(module, "layers") and hasattr(module, "embed_tokens"):
            return module
    raise ValueError("model has no decoder stack with .layers and .embed_tokens")
