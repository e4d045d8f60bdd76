# Shared by the Scripts/bench-*.sh. Source it from the repository root: it
# runs the set-up (apt packages + release build), and sets
#   bin    the release mediaalign binary (absolute path)
#   cache  .cache/bench, where the generated inputs are kept between runs

# wall CMD…: the wall time in seconds of one run of CMD (stdout dropped).
wall() {
  local s e
  s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN{printf "%.4f", e-s}'
}

# best CMD…: the best wall time in seconds of 3 runs of CMD (stdout dropped).
best() {
  local b="" t
  for _ in 1 2 3; do
    t=$(wall "$@")
    if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN{exit !(t<b)}'; then b=$t; fi
  done
  printf '%.3f' "$b"
}

# rss CMD…: peak resident memory in KB of one run of CMD.
rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }

# ensure_time: GNU time for rss (Debian's "time" package), when root.
ensure_time() {
  [ -x /usr/bin/time ] || { [ "$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null || true; }
}

Scripts/setup.sh
ensure_time
bin="$(realpath "$(swift build -c release --show-bin-path)/mediaalign")"
cache=.cache/bench
mkdir -p "$cache"
