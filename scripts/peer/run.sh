#!/usr/bin/env bash
# Peer comparison: our answers against Python jieba + rank_bm25 over the
# same corpus passages and both parts of the question set (tests/qa/). Installs the peer from
# PyPI into a venv under the build folder. Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/../.."
TARGET="${CARGO_TARGET_DIR:-target}"
VENV="$TARGET/peer-venv"
WORK="$TARGET/peer"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet jieba rank_bm25
fi
cargo run --release --quiet --example qa_side -- "$WORK"
"$VENV/bin/python" scripts/peer/peer.py "$WORK"
