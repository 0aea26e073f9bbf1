#!/usr/bin/env bash
# Re-records the DNS fixtures (fixtures/dns-*.pcap) on loopback. Needs root, tcpdump, dnsmasq,
# dig and python3. Every address is in 127.53.0.0/24 so that other loopback traffic stays out:
#   127.53.0.1:53  dnsmasq, answering the statecap.test names below (UDP and TCP); it has no
#                  upstream, so other names are REFUSED
#   127.53.0.2:53  a UDP socket that receives queries and never answers
#   127.53.0.3:53  nothing listens: the kernel answers with ICMP port unreachable
#   127.53.0.9     the client (dig -b)
# Usage: scripts/record/dns.sh [output-dir]   (default: fixtures/)
# A new recording has new IDs, ports and timings: update test/track/dns/fixtures.test.ts with it
# (tcpdump -nr FILE shows them; the packet numbers and outcomes stay the same).
set -euo pipefail

OUT="${1:-$(cd "$(dirname "$0")/../.." && pwd)/fixtures}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in tcpdump dnsmasq dig python3; do
  command -v "$tool" >/dev/null || { echo "dns.sh: $tool is required" >&2; exit 1; }
done
# No address needs adding: Linux routes all of 127.0.0.0/8 to lo, so any of it can be bound.

# Four TXT strings of 200 bytes: the answer (~850 bytes) does not fit a 512-byte UDP answer.
FILLER="$(printf 'x%.0s' $(seq 1 200))"
dnsmasq --no-daemon --conf-file=/dev/null --no-resolv --no-hosts --bind-interfaces \
  --listen-address=127.53.0.1 --port=53 --pid-file="$WORK/dnsmasq.pid" \
  --address=/a.statecap.test/192.0.2.1 --address=/b.statecap.test/192.0.2.2 \
  --address=/missing.statecap.test/ \
  --txt-record=big.statecap.test,"1$FILLER" --txt-record=big.statecap.test,"2$FILLER" \
  --txt-record=big.statecap.test,"3$FILLER" --txt-record=big.statecap.test,"4$FILLER" \
  --log-facility=- --quiet-dhcp 2>"$WORK/dnsmasq.log" &
PIDS+=($!)

python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.53.0.2", 53))
time.sleep(120)
' &
PIDS+=($!)
sleep 1

# record NAME COMMAND...: runs the command while tcpdump writes fixtures/dns-NAME.pcap
record() {
  local name="$1"; shift
  local file="$OUT/dns-$name.pcap"
  tcpdump -i lo -s 0 -U -w "$file" 'net 127.53.0.0/24' 2>"$WORK/tcpdump-$name.log" &
  local dump=$!
  sleep 1
  "$@" >"$WORK/$name.out" 2>&1 || true
  sleep 1
  kill -INT "$dump"
  wait "$dump" 2>/dev/null || true
  echo "dns.sh: $file $(stat -c %s "$file") bytes"
}

DIG=(dig -b 127.53.0.9 +tries=1 +time=2)

udp_and_tcp() {
  "${DIG[@]}" @127.53.0.1 a.statecap.test A
  "${DIG[@]}" @127.53.0.1 +tcp b.statecap.test A
  "${DIG[@]}" @127.53.0.1 missing.statecap.test A
  "${DIG[@]}" @127.53.0.1 elsewhere.example A
}
record udp-tcp udp_and_tcp

# Two tries of one second each at a server that never answers.
record unanswered dig -b 127.53.0.9 +tries=2 +time=1 @127.53.0.2 a.statecap.test A

# No EDNS, so the answer is limited to 512 bytes: dnsmasq sets TC=1 and dig asks again over TCP.
record tc-retry "${DIG[@]}" @127.53.0.1 +noedns big.statecap.test TXT

# Nothing listens on 127.53.0.3:53: the kernel sends ICMP port unreachable.
record icmp "${DIG[@]}" +tries=1 @127.53.0.3 a.statecap.test A
