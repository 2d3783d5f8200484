#!/usr/bin/env bash
# Grades one exercise: builds its checks against your exercises/NAME/exercise.hpp and runs them.
#   exercises/grade.sh                  lists the exercises
#   exercises/grade.sh NAME             grades your work on exercise NAME
#   exercises/grade.sh --solution NAME  grades the reference solution (exercises/solutions/NAME.hpp)
# The first run configures a build folder, build/exercises (about a minute); later runs only
# rebuild the exercise you grade.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build="$root/build/exercises"

list_exercises() {
  echo "The exercises (edit exercises/NAME/exercise.hpp, then run exercises/grade.sh NAME):"
  for header in "$here"/*/exercise.hpp; do
    name=$(basename "$(dirname "$header")")
    chapter=$(grep -o 'docs/[0-9][0-9]-[a-z-]*\.md' "$header" | head -1 || true)
    printf '  %-20s %s\n' "$name" "$chapter"
  done | sort -s -b -k2,2  # in the order of the chapters that set them
}

solution=0
if [[ ${1:-} == --solution ]]; then
  solution=1
  shift
fi
if [[ $# -eq 0 ]]; then
  list_exercises
  exit 0
fi
name=$1
if [[ $# -gt 1 || ! -f "$here/$name/exercise.hpp" ]]; then
  echo "grade.sh: no exercise named '$name' (exercises/grade.sh with no name lists them)" >&2
  exit 2
fi
target="exercise_$name"
[[ $solution == 1 ]] && target="exercise_${name}_solution"

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  echo "Configuring $build (once) ..."
  generator=()
  command -v ninja > /dev/null && generator=(-G Ninja)
  if ! cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
      -DTAPENET_BUILD_TESTS=ON -DTAPENET_BUILD_EXAMPLES=OFF -DTAPENET_BUILD_TOOLS=OFF \
      -DTAPENET_ENABLE_CUDA=OFF > "$build.configure.log" 2>&1; then
    cat "$build.configure.log" >&2
    echo "grade.sh: configuring the build failed (see above)" >&2
    rm -rf "$build"  # so that the next run configures again
    exit 1
  fi
fi

echo "Building $target ..."
if ! cmake --build "$build" --target "$target"; then
  echo
  echo "$name: does not compile yet (the compiler's messages are above)"
  exit 1
fi

echo "Running the checks of $name ..."
status=0
OMP_NUM_THREADS=1 "$build/exercises/$target" || status=$?
if [[ $status == 0 ]]; then
  echo "$name: every check passes"
elif [[ $status -gt 128 ]]; then
  echo "$name: the checks stopped: the program crashed in the check named above (an index past"
  echo "the end of a std::vector stops it with a message from stl_vector.h)"
  exit 1
else
  echo "$name: not done yet: the checks marked FAIL above say what is wrong"
  exit 1
fi
