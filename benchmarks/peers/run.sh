#!/usr/bin/env bash
# Runs a peer benchmark script with Debian's Python, installing its Debian packages first if they are missing.
# Usage: bash benchmarks/peers/run.sh experiments | bash benchmarks/peers/run.sh similarity /tmp/features.f32
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
script="${1:?usage: run.sh <experiments|similarity> [arguments]}"
shift
if ! /usr/bin/python3 -c "import numpy, scipy, faiss, sklearn" 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy python3-scipy python3-faiss python3-sklearn >/dev/null
fi
exec /usr/bin/python3 "$here/$script.py" "$@"
