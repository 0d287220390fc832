#!/usr/bin/env bash
# The full-size run of docs/benchmarks.md: random bf16 weights at a released model's exact shapes (released sharded
# layout), `inspect`, then the server started on it as the README starts it, answering image requests on this CPU.
# Prints: write time, load time and peak resident memory up to ready, then per request time to first token and
# decode tokens/s. Deletes the checkpoint afterwards unless KEEP=1.
#
# Usage: scripts/full-size-run.sh [florence-vl-3b|florence-vl-8b] [checkpoint folder]   (TOKENIZER=<folder> for the 8B)
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-florence-vl-3b}
dir=${2:-/tmp/florencevl-fullsize/$preset}
port=${PORT:-8123}
api=(dotnet Api/bin/Release/net10.0/linux-x64/FlorenceVL.Api.dll)
dotnet build Api -c Release -v quiet -nologo >/dev/null

[ -f "$dir/model.safetensors.index.json" ] || "${api[@]}" random-checkpoint --preset "$preset" --out "$dir" ${TOKENIZER:+--tokenizer "$TOKENIZER"}
"${api[@]}" inspect "$dir" --dtype "${DTYPE:-bfloat16}" --context 1024
weights=$(du -cb "$dir"/*.safetensors | tail -1 | cut -f1)
sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true # a cold load reads from disk, as after a download

log=$(mktemp)
start=$(date +%s.%N)
FlorenceVL__Model__DType=${DTYPE:-bfloat16} FlorenceVL__Scheduler__WarmUp=false FlorenceVL__Scheduler__KvCacheBytes=${KV_BYTES:-536870912} \
  "${api[@]}" --model "$dir" --urls "http://127.0.0.1:$port" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; [ "${KEEP:-0}" = 1 ] || rm -rf "$dir"' EXIT
peak=0
until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do
  kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
  rss=$(awk '/^VmRSS/{print $2}' /proc/$pid/status 2>/dev/null || echo 0)
  [ "${rss:-0}" -gt "$peak" ] && peak=$rss
  sleep 0.2
done
ready=$(date +%s.%N)
hwm=$(awk '/^VmHWM/{print $2}' /proc/$pid/status)
echo "load: $(echo "$ready - $start" | bc) s to ready; peak resident $((hwm / 1024)) MiB (sampled $((peak / 1024)) MiB);" \
  "weights on disk $((weights / 1048576)) MiB; ratio $(echo "scale=3; $hwm * 1024 / $weights" | bc)"

# One request per image: three distinct real images (each resized to 768x768, so the tower runs every time), then the
# first again (its fused features and visual-token prefix are cached). Streamed, greedy, 32 new tokens.
ask() {
  local image=$1 mime=$2 t0 body
  body=$(printf '{"model":"%s","stream":true,"temperature":0,"max_tokens":32,"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:%s;base64,%s"}},{"type":"text","text":"Describe the image."}]}]}' \
    "$(basename "$dir")" "$mime" "$(base64 -w0 "$image")")
  t0=$(date +%s%N)
  curl -sN "http://127.0.0.1:$port/v1/chat/completions" -H 'Content-Type: application/json' -d @- <<<"$body" |
    while IFS= read -r line; do
      case "$line" in *'"content":""'*) ;; data:*'"content":"'*) echo "$(( $(date +%s%N) - t0 ))";; esac
    done | awk -v name="$(basename "$image")" '
      NR == 1 { first = $1 } { last = $1; n = NR }
      END { printf "request %-22s time to first token %6.2f s, %2d tokens, decode %5.2f tok/s\n", name, first / 1e9, n, (n > 1 ? (n - 1) / ((last - first) / 1e9) : 0) }'
}
fixtures=tests/FlorenceVL.Engine.Tests/Fixtures/preprocess
ask $fixtures/photo_jpeg_768.jpg image/jpeg
ask $fixtures/wide_png.png image/png
ask $fixtures/tall_png.png image/png
ask $fixtures/photo_jpeg_768.jpg image/jpeg
echo "resident after the requests: $(( $(awk '/^VmRSS/{print $2}' /proc/$pid/status) / 1024 )) MiB; peak $(( $(awk '/^VmHWM/{print $2}' /proc/$pid/status) / 1024 )) MiB"
