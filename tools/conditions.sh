#!/bin/bash
# The test suite under the four conditions tests/README.md names, in a random order (pytest-randomly;
# the seed is printed, SEED=N repeats an order):
#   buffered    PYTHONUNBUFFERED unset (a pipe's default buffering)
#   unbuffered  PYTHONUNBUFFERED=1
#   proxy       http_proxy and https_proxy set to a port where nothing listens
#   readonly    from a read-only copy of the checkout (as root too: a read-only bind mount)
# Every build cache is in pytest's tmp (HANDOUTS_CACHE, set by tests/conftest.py).
#
#   tools/conditions.sh                       # all four, the whole suite each time
#   CONDITIONS="proxy readonly" tools/conditions.sh tests/test_engine.py -x
#
# Prints one line per condition and exits non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
checkout=$(pwd)
python="$checkout/.venv/bin/python"
conditions=${CONDITIONS:-buffered unbuffered proxy readonly}
logs=$(mktemp -d)
failed=0

run() {  # run NAME COMMAND...: one condition, its log kept in $logs/NAME.log
  local name=$1
  shift
  local started=$SECONDS
  "$@" >"$logs/$name.log" 2>&1
  local code=$?
  local summary
  summary=$(grep -E '^[=]* ?[0-9]+ (passed|failed)|(passed|failed|error).* in [0-9.]+s' "$logs/$name.log" | tail -1)
  printf '%-10s exit %-3s %5ss  %s  (seed %s; log %s)\n' "$name" "$code" "$((SECONDS - started))" \
    "$summary" "$seed" "$logs/$name.log"
  [ "$code" = 0 ] || failed=1
}

seed=${SEED:-$RANDOM}  # one order for the four runs, printed: SEED=N repeats it
suite=(-m pytest -q -p no:cacheprovider -p randomly --randomly-seed="$seed" "$@")

for condition in $conditions; do
  case $condition in
    buffered) run buffered env -C "$checkout" -u PYTHONUNBUFFERED "$python" "${suite[@]}" ;;
    unbuffered) run unbuffered env -C "$checkout" PYTHONUNBUFFERED=1 "$python" "${suite[@]}" ;;
    proxy)
      proxy=http://127.0.0.1:9  # nothing listens there
      run proxy env -C "$checkout" http_proxy=$proxy https_proxy=$proxy HTTP_PROXY=$proxy \
        HTTPS_PROXY=$proxy "$python" "${suite[@]}"
      ;;
    readonly)
      copy=$(mktemp -d)/checkout
      mkdir "$copy"
      # The checkout as a clone has it: no outputs, no caches (the venv is used where it is).
      tar -C "$checkout" --exclude=./.venv --exclude=./dist --exclude=./.cache --exclude=./preview \
        --exclude=./.pytest_cache --exclude=./.ruff_cache -cf - . | tar -C "$copy" -xf -
      ln -s "$checkout/.venv" "$copy/.venv"
      chmod -R a-w "$copy"
      if [ "$(id -u)" = 0 ]; then  # root writes through file modes: mount the copy read-only
        run readonly unshare -m sh -c 'mount --bind -o ro "$0" "$0" && exec "$@"' "$copy" \
          env -C "$copy" "$python" "${suite[@]}"
      else
        run readonly env -C "$copy" "$python" "${suite[@]}"
      fi
      chmod -R u+w "$copy" && rm -rf "$(dirname "$copy")"
      ;;
    *)
      echo "unknown condition $condition (buffered, unbuffered, proxy, readonly)"
      exit 2
      ;;
  esac
done
exit $failed
