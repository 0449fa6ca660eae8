#!/usr/bin/env bash
# The ecert demo on the embedded defaults: make a root key and two issuer keys, build and
# sign the trust list, issue a title and a skill certificate with QR codes, verify them
# (and a tampered copy), and check one eligible and one not-eligible cross-track claim.
# Usage: scripts/demo.sh [OUTDIR]   (default: demo-out/)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-demo-out}
JOBS=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build >/dev/null
cmake --build build -j"$JOBS" >/dev/null
BIN=$PWD/build/bin
rm -rf "$OUT"; mkdir -p "$OUT"; cd "$OUT"
export ECERT_PASSPHRASE="demo passphrase (test only)"
step() { printf '\n\033[1m== %s ==\033[0m\n' "$*"; }
step "1. keys: province root (SM2), approval authority (SM2), evaluation organisation (SM2)"
"$BIN/ecert-keys" gen --out root
"$BIN/ecert-keys" gen --out rst-title
"$BIN/ecert-keys" gen --alg sm2 --out jl-skill-org
echo "demo: keys made"
