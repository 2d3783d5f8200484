#!/bin/sh
# Every measured curve of chapter 7: each run of the learning_curves program writes one CSV under
# tools/learning/runs/, then draw.py turns them into docs/images/learning-*.svg.
#   cmake --preset release && ninja -C build/release learning_curves
#   tools/learning/run_all.sh [path/to/learning_curves]
# One thread, low priority: 33 minutes on a 2-core machine that others were using too.
set -eu
cd "$(dirname "$0")/../.."
curves=${1:-build/release/tools/learning/learning_curves}
out=tools/learning/runs
mkdir -p "$out"
run() {  # run NAME OPTIONS...
  name=$1
  shift
  echo "$name: $*" >&2
  nice -n 10 "$curves" --threads 1 "$@" > "$out/$name.csv"
}

# 1. The learning rate: plain SGD, one epoch (782 steps of 64), a row every 25 steps.
for lr in 0.005 0.05 0.5 1; do
  run "lr-$lr" --lr "$lr" --epochs 1 --eval-every 25 --eval-size 2000
done

# 2. Momentum: 0.9 at lr 0.01 against plain SGD at lr 0.01 and at lr 0.1.
run momentum-0.9-lr-0.01 --lr 0.01 --momentum 0.9 --epochs 1 --eval-every 25 --eval-size 2000
# (plain SGD at lr 0.01 and 0.1 are two more runs of part 1's kind)
run lr-0.01 --lr 0.01 --epochs 1 --eval-every 25 --eval-size 2000
run lr-0.1 --lr 0.1 --epochs 1 --eval-every 25 --eval-size 2000

# 3. Schedules: 10,000 training images, 10 epochs, lr 0.05 with momentum 0.9; three seeds each.
for seed in 0 1 2; do
  for schedule in constant step cosine; do
    run "schedule-$schedule-seed-$seed" --lr 0.05 --momentum 0.9 --train-size 10000 \
      --epochs 10 --schedule "$schedule" --step-size 4 --eval-size 10000 --seed "$seed"
  done
done

# 4. Overfitting: 1,000 training images, 150 epochs (2,400 steps), a row every 2 epochs;
#    then the same with weight decay, with augmentation, and with both. Three seeds each.
for seed in 0 1 2; do
  small="--lr 0.05 --momentum 0.9 --train-size 1000 --epochs 150 --eval-every 32 --eval-size 5000"
  run "small-plain-seed-$seed" $small --seed "$seed"
  run "small-wd-seed-$seed" $small --weight-decay 5e-3 --seed "$seed"
  run "small-augment-seed-$seed" $small --augment --seed "$seed"
  run "small-augment-wd-seed-$seed" $small --augment --weight-decay 5e-3 --seed "$seed"
done

python3 tools/learning/draw.py
python3 tools/learning/summary.py

# 5. The runs behind the exercises' answers and the aside "one number is a snapshot"
#    (EXERCISES=1 tools/learning/run_all.sh).
if [ "${EXERCISES:-0}" = 1 ]; then
  mkdir -p "$out/exercises"
  ex() { name=$1; shift; run "exercises/$name" "$@"; }
  ex ex3-lr-0.3 --lr 0.3 --epochs 1 --eval-every 25 --eval-size 2000
  ex ex3-lr-0.03-momentum-0.9 --lr 0.03 --momentum 0.9 --epochs 1 --eval-every 25 --eval-size 2000
  for lr in 0.6 0.7 0.8 0.9; do
    ex "ex4-lr-$lr-seed-0" --lr "$lr" --epochs 1 --eval-every 25 --eval-size 2000
  done
  for lr in 0.6 0.7 0.8; do
    ex "ex4-lr-$lr-seed-1" --lr "$lr" --epochs 1 --eval-every 25 --eval-size 2000 --seed 1
  done
  ex ex5-train-size-5000 --lr 0.05 --momentum 0.9 --train-size 5000 --epochs 30 --eval-size 5000
  ex aside-lr-0.01-step-775 --lr 0.01 --max-steps 775 --eval-every 775 --eval-size 10000
fi
