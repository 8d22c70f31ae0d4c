"""The peer: Python jieba + rank_bm25 over the same passages and question
set, scored the same way as ours (hit@1, hit@3 over in-scope questions,
a hit counting for hotline only when it answered; latency per question),
printed side by side as Markdown, one table per part of the set (tuning,
frozen).

python peer.py WORK_DIR   (WORK_DIR holds passages.jsonl and ours.jsonl)
"""
import json
import statistics
import sys
import time
from pathlib import Path

import jieba
from rank_bm25 import BM25Okapi

jieba.setLogLevel(60)


def load_jsonl(path):
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line]


def tokens(text):
    return [t for t in jieba.lcut_for_search(text) if t.strip()]


def main(work):
    passages = load_jsonl(work / "passages.jsonl")
    ours = load_jsonl(work / "ours.jsonl")

    started = time.perf_counter()
    # One index per region, like ours: a question's region is a filter.
    by_region = {}
    for passage in passages:
        by_region.setdefault(passage["region"], []).append(passage)
    indexes = {
        region: (items, BM25Okapi([tokens(p["title"] + " " + p["clause"] + " " + p["text"]) for p in items]))
        for region, items in by_region.items()
    }
    everything = (passages, BM25Okapi([tokens(p["title"] + " " + p["clause"] + " " + p["text"]) for p in passages]))
    build_ms = (time.perf_counter() - started) * 1000

    rows = []
    for case in ours:
        items, bm25 = indexes.get(case["region"], everything) if case["region"] else everything
        started = time.perf_counter()
        scores = bm25.get_scores(tokens(case["q"]))
        best = sorted(range(len(items)), key=lambda i: scores[i], reverse=True)[:3]
        micros = (time.perf_counter() - started) * 1e6
        rows.append({"ranked": [items[i]["id"] for i in best], "micros": micros})

    def score(cases, ranked_of, micros_of, answered_of):
        in_scope = [(c, r, a) for c, r, a in zip(cases, ranked_of, answered_of) if not c["out_of_scope"]]
        hit1 = sum(1 for c, r, a in in_scope if a and r[:1] and r[0] in c["expect"])
        hit3 = sum(1 for c, r, a in in_scope if a and any(x in c["expect"] for x in r[:3]))
        lat = sorted(micros_of)
        p = lambda s: lat[min(len(lat) - 1, round((len(lat) - 1) * s))]
        return len(in_scope), hit1, hit3, statistics.mean(lat), p(0.5), p(0.99)

    for part in ("tuning", "frozen"):
        indices = [i for i, c in enumerate(ours) if c.get("part", "tuning") == part]
        cases = [ours[i] for i in indices]
        n, o1, o3, omean, o50, o99 = score(
            cases, [c["ranked"] for c in cases], [c["micros"] for c in cases], [c["answered"] for c in cases])
        peer = [rows[i] for i in indices]
        _, p1, p3, pmean, p50, p99 = score(
            cases, [r["ranked"] for r in peer], [r["micros"] for r in peer], [True] * len(peer))
        refusals = [c for c in cases if c["out_of_scope"]]
        refused_right = sum(1 for c in refusals if not c["answered"])

        print(f"**{part} part**: {len(cases)} questions ({n} in scope, {len(refusals)} out of scope), "
              f"{len(passages)} passages.\n")
        print("| | hit@1 | hit@3 | refuses out-of-scope | latency mean | p50 | p99 |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        print(f"| hotline (tantivy + jieba-rs, `Assistant::ask`) | {o1/n:.1%} | {o3/n:.1%} | {refused_right}/{len(refusals)} "
              f"| {omean:.0f} µs | {o50:.0f} µs | {o99:.0f} µs |")
        print(f"| peer (Python jieba {jieba.__version__} + rank_bm25 BM25Okapi) | {p1/n:.1%} | {p3/n:.1%} | no refusal "
              f"| {pmean:.0f} µs | {p50:.0f} µs | {p99:.0f} µs |\n")
    print(f"Peer index build: {build_ms:.0f} ms. Latency is per question, in process, "
          "search only for the peer, the whole answer (search + composition) for hotline.")

if __name__ == "__main__":
    main(Path(sys.argv[1]))
