# Sourced by the loopback recording scripts (quickstart, verdicts, restart-loss, conversations),
# after they set $out: the steps every one of them takes, written once. Sets $work (a scratch folder,
# removed by finish_capture).
work=$(mktemp -d)

# nginx_conf 'HTTP-BLOCK': writes $work/nginx.conf, one foreground worker serving $work/www (whose
# index.html is "hello from statecap"), with the `http { }` block given.
nginx_conf() {
  cat > "$work/nginx.conf" <<CONF
user root; daemon off; pid $work/nginx.pid; error_log $work/error.log; worker_processes 1;
events { worker_connections 64; }
http { $1 }
CONF
  mkdir -p "$work/www"; printf 'hello from statecap\n' > "$work/www/index.html"
}

# start_capture 'FILTER': tcpdump on lo into $out (sets $cap_pid), then a second for it to start.
start_capture() {
  tcpdump -i lo -U -s 0 -w "$out" "$1" >"$work/tcpdump.log" 2>&1 &
  cap_pid=$!
  sleep 1
}

# finish_capture [PID...]: stops tcpdump, then the given servers, removes $work, says what it wrote.
finish_capture() {
  kill "$cap_pid"; wait "$cap_pid" 2>/dev/null || true
  [ $# -eq 0 ] || kill "$@" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
  echo "wrote $out ($(stat -c %s "$out") bytes)"
}
