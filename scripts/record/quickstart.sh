#!/usr/bin/env bash
# Re-records fixtures/quickstart.pcap on loopback from real programs: dig asks a local dnsmasq (UDP
# and TCP; one query to an address with no server, rejected by ICMP), curl fetches a page twice from a local nginx (two TCP connections, a pause between them
# so the server has an idle window), and dig asks once more. Everything talks to 127.0.0.2 only, (and 127.0.0.3), so
# the capture filter keeps out other loopback traffic.
# Needs root and Debian's tcpdump, dnsmasq, dnsutils (dig), nginx-light, curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-fixtures/quickstart.pcap}
. scripts/record/lib.sh
addr=127.0.0.2

nginx_conf " access_log off; server { listen $addr:8080; root $work/www; } "

dnsmasq --no-daemon --port=53 --listen-address=$addr --bind-interfaces --no-resolv --no-hosts \
  --address=/example.test/$addr --local=/invalid/ --pid-file="$work/dnsmasq.pid" >"$work/dnsmasq.log" 2>&1 &
dns_pid=$!
nginx -c "$work/nginx.conf" &
web_pid=$!
sleep 0.5

start_capture "host $addr or host 127.0.0.3"

dig +tries=1 +time=2 @$addr example.test A >/dev/null
curl -s "http://$addr:8080/" >/dev/null
dig +tcp +tries=1 +time=2 @$addr www.example.test A >/dev/null
sleep 1.5
curl -s "http://$addr:8080/index.html" >/dev/null
dig +tries=1 +time=2 @$addr nonexistent.invalid A >/dev/null || true
# nothing listens on 127.0.0.3: the kernel answers with ICMP port unreachable (a rejected query)
dig +tries=1 +time=1 @127.0.0.3 example.test A >/dev/null || true
sleep 1

finish_capture "$dns_pid" "$web_pid"
