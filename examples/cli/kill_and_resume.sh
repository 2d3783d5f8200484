#!/usr/bin/env bash
# A run killed with SIGKILL again and again (while it trains, and while it saves a checkpoint),
# resumed after every kill, must end with the very bytes of an uninterrupted run's model and
# optimiser files, the cosine learning-rate schedule included. Usage: kill_and_resume.sh TAPENET DATA WORK_DIR
set -euo pipefail
tapenet=$1 data=$2 work=$3
epochs=16
rm -rf "$work" && mkdir -p "$work"
"$tapenet" train --data "$data" --epochs $epochs --lr-schedule cosine --out "$work/reference" >/dev/null

run=$work/killed
saved_epoch() { sed -n 's/^  "epoch": \([0-9]*\),*$/\1/p' "$run/run.json" 2>/dev/null || echo 0; }
wait_for() {  # a condition, for at most a minute
  for _ in $(seq 1 12000); do eval "$1" && return 0 || sleep 0.005; done
  echo "waited a minute for: $1" >&2 && exit 1
}
for attempt in 1 2 3 4 5; do
  if [[ -f $run/run.json ]]; then where=(--resume "$run"); else where=(--out "$run"); fi
  start=$(saved_epoch)
  "$tapenet" train --data "$data" --epochs $epochs --lr-schedule cosine "${where[@]}" >"$work/log" 2>&1 &
  pid=$!
  wait_for '(($(saved_epoch) > start))'  # so every attempt moves the run on
  if ((attempt % 2)); then
    wait_for '[[ -d $run/next ]]'  # in the middle of saving the next checkpoint
  else
    sleep "0.$((RANDOM % 5))"  # somewhere in the training steps
  fi
  kill -KILL $pid 2>/dev/null || true
  status=0 && wait $pid 2>/dev/null || status=$?
  if ((status != 137)); then echo "attempt $attempt ended with $status, not killed:" >&2 && cat "$work/log" >&2 && exit 1; fi
  echo "killed attempt $attempt after epoch $(saved_epoch) was saved; next/ left: $([[ -d $run/next ]] && echo yes || echo no)"
done
"$tapenet" train --resume "$run" >"$work/log" 2>&1 || { cat "$work/log" >&2 && exit 1; }
# The narrowest window, made by hand: killed after run.json was replaced, before the files moved.
cp -r "$run" "$work/moving" && mkdir "$work/moving/next"
mv "$work/moving/"{model,optimizer}.safetensors "$work/moving/next/"
"$tapenet" train --resume "$work/moving" >"$work/log" 2>&1 || { cat "$work/log" >&2 && exit 1; }
for file in model.safetensors optimizer.safetensors; do
  cmp "$work/reference/$file" "$run/$file" || { echo "$file differs after the kills" >&2 && exit 1; }
  cmp "$run/$file" "$work/moving/$file" || { echo "$file was not moved into place" >&2 && exit 1; }
done
# 0.001 * (1 + cos(pi * 15/16)) / 2 = 9.6e-6 in the last epoch: the schedule did its work.
grep -Eq '"lr": 9\.6[0-9]*e-06' "$run/run.json" || { echo "the last epoch's lr is not 9.6e-6" >&2 && exit 1; }
[[ ! -e $run/next && ! -e $work/moving/next ]] || { echo "next/ was left behind" >&2 && exit 1; }
leftovers=$(find "$run" -name '.*.??????')
[[ -z $leftovers ]] || { echo "temporary files left behind: $leftovers" >&2 && exit 1; }
echo "5 kills, resumed each time: the same bytes as the uninterrupted run"
