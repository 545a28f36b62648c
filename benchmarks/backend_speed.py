"""llama-cpp (Q4_1 GGUF) against transformers (fp32, the same SmolLM2-135M weights dequantized).

Same prompt, same number of new tokens (end-of-sequence suppressed), same threads. Each backend runs in its own
process so that its peak memory (ru_maxrss) is its own. Prints one JSON line per backend and one with the ratios.

    python benchmarks/backend_speed.py [--tokens 128] [--threads 2] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

PROMPT = (
    "<|im_start|>system\nYou are a physician's writing assistant.<|im_end|>\n"
    "<|im_start|>user\nMake this reply warmer: Your PSA is 4.2. Continue tamsulosin 0.4 mg daily. "
    "Repeat PSA in 3 months.<|im_end|>\n<|im_start|>assistant\n"
)


def bench_llama(tokens: int, threads: int, repeats: int) -> dict:
    t0 = time.perf_counter()
    from llama_cpp import Llama

    from empathy.models import embedded_model_path

    llm = Llama(model_path=str(embedded_model_path()), n_ctx=1024, n_threads=threads, verbose=False)
    load = time.perf_counter() - t0
    bias = {llm.token_eos(): -1e9}
    runs = []
    for _ in range(repeats):
        llm.reset()
        start = time.perf_counter()
        first, n = None, 0
        for chunk in llm.create_completion(PROMPT, max_tokens=tokens, temperature=0, stream=True, logit_bias=bias):
            if chunk["choices"][0].get("finish_reason"):  # the closing chunk carries no new token
                continue
            n += 1
            if first is None:
                first = time.perf_counter() - start
        runs.append((first, time.perf_counter() - start, n))
    return _summary("llama-cpp", load, runs)


def bench_transformers(tokens: int, threads: int, repeats: int) -> dict:
    t0 = time.perf_counter()
    import threading

    import torch
    from transformers import TextIteratorStreamer

    from empathy.backends.hf import load_hf_model

    torch.set_num_threads(threads)
    tok, model, _ = load_hf_model(None)
    load = time.perf_counter() - t0
    inputs = tok(PROMPT, return_tensors="pt", add_special_tokens=False)
    runs = []
    for _ in range(repeats):
        streamer = TextIteratorStreamer(tok, skip_prompt=True)
        kwargs = dict(**inputs, max_new_tokens=tokens, min_new_tokens=tokens, do_sample=False, streamer=streamer,
                      pad_token_id=tok.eos_token_id)
        start = time.perf_counter()
        thread = threading.Thread(target=lambda: model.generate(**kwargs))
        thread.start()
        first = None
        for _piece in streamer:
            if first is None:
                first = time.perf_counter() - start
        thread.join()
        runs.append((first, time.perf_counter() - start, tokens))
    return _summary("transformers", load, runs)


def _summary(name, load, runs) -> dict:
    best = min(runs, key=lambda r: r[1])  # best of repeats: least disturbed by other processes
    first, total, n = best
    return {
        "backend": name,
        "load_s": round(load, 3),
        "ttft_s": round(first, 4),
        "decode_tok_s": round((n - 1) / (total - first), 2),
        "new_tokens": n,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child", choices=["llama-cpp", "transformers"])
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.child:
        fn = bench_llama if args.child == "llama-cpp" else bench_transformers
        print(json.dumps(fn(args.tokens, args.threads, args.repeats)))
        return
    results = {}
    for name in ("llama-cpp", "transformers"):
        proc = subprocess.run(
            [sys.executable, __file__, "--child", name, "--tokens", str(args.tokens), "--threads", str(args.threads),
             "--repeats", str(args.repeats)],
            capture_output=True, text=True, check=True,
        )
        results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
        print(json.dumps(results[name]))
    ll, hf = results["llama-cpp"], results["transformers"]
    print(json.dumps({
        "ratios": "transformers / llama-cpp (higher favours llama-cpp)",
        "load": round(hf["load_s"] / ll["load_s"], 2),
        "ttft": round(hf["ttft_s"] / ll["ttft_s"], 2),
        "decode_speedup": round(ll["decode_tok_s"] / hf["decode_tok_s"], 2),
        "peak_memory": round(hf["peak_rss_mb"] / ll["peak_rss_mb"], 2),
        "tokens": args.tokens, "threads": args.threads,
    }))


if __name__ == "__main__":
    main()
