#!/usr/bin/env bash
# Records fixtures/verdicts.pcap from real programs in a private network namespace (its own
# loopback: no other traffic), one client address per scenario so that each verdict stands alone:
#   127.0.0.1 -> 127.0.0.2:8080  nginx, HTTP/1.0 (curl -0): one request per connection, 3 connections 2 s apart
#   127.0.0.7 -> 127.0.0.2:8081  nginx, HTTP/1.1 keep-alive: one connection, 3 requests 1 s apart (python)
#   127.0.0.6 -> 127.0.0.3:53    dig to an address where nothing listens: ICMP port unreachable
#   127.0.0.5 -> 127.0.0.2:9     curl to a closed port, twice: refused by RST
#   127.0.0.8 -> 127.0.0.4:53    dnsmasq answering one query over UDP, then one over TCP
# Needs root, ip netns, and Debian's tcpdump, nginx-light, dnsmasq, dnsutils (dig), curl, python3.
set -euo pipefail
script=$(realpath "$0")
cd "$(dirname "$0")/../.."
out=$(realpath -m "${1:-fixtures/verdicts.pcap}")
# shellcheck source=netns.sh
. scripts/record/netns.sh "$out"
. scripts/record/lib.sh

nginx_conf " access_log off; keepalive_timeout 60s;
  server { listen 127.0.0.2:8080; root $work/www; }
  server { listen 127.0.0.2:8081; root $work/www; } "

dnsmasq --no-daemon --port=53 --listen-address=127.0.0.4 --bind-interfaces --no-resolv --no-hosts \
  --address=/example.test/127.0.0.2 --pid-file="$work/dnsmasq.pid" >"$work/dnsmasq.log" 2>&1 &
dns_pid=$!
nginx -c "$work/nginx.conf" &
web_pid=$!
sleep 0.5

start_capture "not arp"

# HTTP/1.0: nginx answers and closes each connection (it closes first: TIME-WAIT on the server).
for i in 1 2 3; do
  curl -0 -s --interface 127.0.0.1 "http://127.0.0.2:8080/" >/dev/null
  sleep 2
done
# Keep-alive: three requests 1 s apart on one connection, then the client closes.
python3 - <<'PY'
import socket, time
s = socket.create_connection(('127.0.0.2', 8081), source_address=('127.0.0.7', 0))
for i in range(3):
    s.sendall(b'GET / HTTP/1.1\r\nHost: 127.0.0.2\r\n\r\n')
    data = b''
    while b'hello from statecap\n' not in data:
        data += s.recv(4096)
    if i < 2:
        time.sleep(1)
s.close()
PY
sleep 1
# Nothing listens on 127.0.0.3:53: the kernel answers the query with ICMP port unreachable.
dig +tries=1 +time=1 -b 127.0.0.6 @127.0.0.3 example.test A >/dev/null || true
sleep 0.5
# Nothing listens on 127.0.0.2:9: each SYN draws a RST.
curl -s --interface 127.0.0.5 "http://127.0.0.2:9/" >/dev/null || true
curl -s --interface 127.0.0.5 "http://127.0.0.2:9/" >/dev/null || true
sleep 0.5
# dnsmasq on 127.0.0.4:53, over UDP and over TCP.
dig +tries=1 +time=2 -b 127.0.0.8 @127.0.0.4 example.test A >/dev/null
sleep 0.5
dig +tcp +tries=1 +time=2 -b 127.0.0.8 @127.0.0.4 www.example.test A >/dev/null
sleep 1

finish_capture "$dns_pid" "$web_pid"
