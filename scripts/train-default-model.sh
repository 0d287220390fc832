#!/usr/bin/env bash
# Reproduces models/florence-vl-shapes from nothing: the shapes dataset, a random tiny Florence-VL (width-scaled
# initialisation of the LLM), pretrain-tower (the tower alone learns to name lone capitals), stage 1 (captions, the whole model end to end, vision tower included, as the paper does),
# stage 2 (each image's questions and caption in one conversation; projector + LLM on the frozen tower's cached
# features), stage 3 (the same data with the tower training too, at a low rate, for the written word), stage 4 (stage 3
# continued on the same conversations, half of which now also ask for the shapes as JSON; tower frozen), the eval gate,
# and the copy into models/ (only when every gate passes). Work files go to artifacts/shapes (git-ignored). Prints each step's wall time.
#   scripts/train-default-model.sh            # everything
#   OMP_NUM_THREADS=2 scripts/train-default-model.sh   # on an idle machine; 1 (the default) is far faster on a busy one
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
work=artifacts/shapes
model=models/florence-vl-shapes
train() { dotnet run --project Training -c Release --no-build -- "$@"; }
# A stage that stops (anything but a divergence, exit 3) resumes from its latest checkpoint; resuming is exact. (Training
# steps run in a no-GC region against TorchSharp#1434, so this is for a killed or interrupted run.)
stage() {
  local file=$1 output=$2 status tries=0
  train train "$file" && return 0 || status=$?
  while [ "$status" -ne 3 ] && [ $((tries += 1)) -le 10 ] && latest=$(ls -d "$output"/checkpoint-* 2>/dev/null | sort -V | tail -1) && [ -n "$latest" ]; do
    echo "stage stopped (exit $status); resuming from $latest"
    train train "$file" --resume "$latest" && return 0 || status=$?
  done
  return "$status"
}
# Keeps the step's exit status (the eval's gate verdict), which the echo after it would otherwise replace.
timed() { local name=$1 status=0; shift; local start=$SECONDS; "$@" || status=$?; echo "== $name: $((SECONDS - start)) s" | tee -a "$work/times.txt"; return "$status"; }

dotnet build Training -c Release -v quiet -nologo
rm -rf "$work" && mkdir -p "$work"
timed make-dataset train make-dataset shapes "$work/data" --seed 1234 --train 16000 --eval 300 --size 160 --ood 300 --varied --word-scale 0.18
timed init train init "$work/init" --corpus "$work/data/stage1_train.json,$work/data/stage2_train.json" --seed 0
# The tower first learns to read lone capitals on its own (issue 18): a tower trained from scratch on captions read only
# the words it was shown, as whole pictures; Florence-VL starts from a Florence-2 that already reads.
timed pretrain-tower train pretrain-tower "$work/init" --out "$work/tower" --read davit --max-letters 1 --steps 1200 --eval 256
timed stage1 stage Training/StageFiles/shapes-stage1.json "$work/stage1"
timed stage2 stage Training/StageFiles/shapes-stage2.json "$work/stage2"
timed stage3 stage Training/StageFiles/shapes-stage3.json "$work/stage3"
timed stage4 stage Training/StageFiles/shapes-stage4.json "$work/stage4"
# Room for the json answers (a scene's JSON runs to about 100 tokens); the short answers stop at their end of turn.
# Two tables: the classic held-out split, and the out-of-distribution one (issue 18: other sizes, word-only images, unseen
# words as word_unseen, words anywhere, other backgrounds and inks, follow-ups, text-only prompts).
# --gate prints each gated type's floor and exits 4 when a split misses one (issue 18's gates on both splits): such a
# candidate is not copied into models/ unless SHIP_ANYWAY=1.
gate=0
timed eval train eval "$work/stage4/final" "$work/data/stage2_eval.json,$work/data/stage2_eval_ood.json" --max-new-tokens 160 --out "$work/eval.json" --gate || gate=$?
if [ "$gate" -ne 0 ] && { [ "$gate" -ne 4 ] || [ "${SHIP_ANYWAY:-0}" != 1 ]; }; then
  echo "eval exited $gate (4: a quality gate missed); $model left as it was (SHIP_ANYWAY=1 copies a gate-missing candidate)" >&2
  cat "$work/times.txt"
  exit "$gate"
fi

rm -rf "$model.new" && mkdir -p "$model.new/vision_tower"
cp "$work/stage4/final/model.safetensors" "$work/stage4/final/config.json" "$work/stage4/final"/tokenizer* "$model.new/"
cp "$work/stage4/final/vision_tower/config.json" "$model.new/vision_tower/"
[ -f "$model/README.md" ] && cp "$model/README.md" "$model/example.png" "$model.new/" 2>/dev/null || true
rm -rf "$model" && mv "$model.new" "$model"
cat "$work/times.txt"
