"""Retraining from feedback: datasets from the store, ER / EQ+SR data construction, SFT / DPO / KTO with
TRL + PEFT (LoRA), GGUF LoRA export for llama-cpp, and evaluation against the base model.

Nothing here imports torch, transformers or TRL at import time: the app imports this package at start-up.
"""
