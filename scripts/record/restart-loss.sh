#!/usr/bin/env bash
# Records fixtures/restart-loss.pcap: a real restart that loses a server's state, in a private
# network namespace. A keep-alive client (127.0.0.7, python) fetches a page from nginx on
# 127.0.0.2:8080 and stays idle on the connection. Meanwhile the server's socket is destroyed with
# `ss -K` while nftables drops the RST that destroying it sends (so no packet shows the loss), and
# nginx is killed and started again. The client's next request on the old connection meets no socket
# and draws a RST; the client then opens a new connection and gets its page.
# Needs root, ip netns, nft, ss (iproute2 with sock_destroy), tcpdump, nginx-light, python3.
set -euo pipefail
script=$(realpath "$0")
cd "$(dirname "$0")/../.."
out=$(realpath -m "${1:-fixtures/restart-loss.pcap}")
# shellcheck source=netns.sh
. scripts/record/netns.sh "$out"
. scripts/record/lib.sh

nginx_conf " access_log off; keepalive_timeout 60s; server { listen 127.0.0.2:8080; root $work/www; } "
nginx -c "$work/nginx.conf" &
web_pid=$!
sleep 0.5

start_capture "not arp"

# The client: request, 3 s idle (the restart happens then), request again on the same connection.
python3 - <<'PY' &
import socket, time
def get(s):
    s.sendall(b'GET / HTTP/1.1\r\nHost: 127.0.0.2\r\n\r\n')
    data = b''
    while b'hello from statecap\n' not in data:
        chunk = s.recv(4096)
        if not chunk:
            raise ConnectionResetError('closed')
        data += chunk
s = socket.create_connection(('127.0.0.2', 8080), source_address=('127.0.0.7', 0))
get(s)
time.sleep(3)
try:
    get(s)
except (ConnectionResetError, BrokenPipeError):
    s.close()
    s = socket.create_connection(('127.0.0.2', 8080), source_address=('127.0.0.7', 0))
    get(s)
s.close()
PY
client_pid=$!
sleep 1
# The restart: destroy the server's socket silently, kill nginx, start it again.
nft add table inet statecap_rec
nft add chain inet statecap_rec out '{ type filter hook output priority 0; }'
nft add rule inet statecap_rec out ip saddr 127.0.0.2 tcp sport 8080 tcp flags rst drop
ss -K state established src 127.0.0.2:8080 >/dev/null
kill "$web_pid"; wait "$web_pid" 2>/dev/null || true
nft delete table inet statecap_rec
nginx -c "$work/nginx.conf" &
web_pid=$!
wait "$client_pid"
sleep 1

finish_capture "$web_pid"
