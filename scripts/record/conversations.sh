#!/usr/bin/env bash
# Re-records fixtures/conversations.pcap on loopback from real programs, for the UDP, ICMP and HTTP
# trackers (issue 12). Everything talks to 127.0.0.4 only, so the capture filter keeps out other
# loopback traffic. In order:
#   1. nginx issues a session cookie (add_header Set-Cookie) on GET /login?next=home; curl keeps it in
#      a cookie jar and sends it back on a second connection (GET /account).
#   2. curl sends the same JWT bearer token on two connections to another nginx server (port 8081).
#   3. an HTTP/1.0 server (python3 -m http.server) answers GET /hello.txt.
#   4. one curl fetches two pages on one keep-alive connection from nginx; then a client written in
#      python pipelines two requests on one connection (both sent before the first answer).
#   5. a UDP echo service (python): 3 requests, each answered by one response.
#   6. a UDP stream of 200 datagrams on one 4-tuple: 180 from the client, 20 replies (every 9th).
#   7. a ping: 3 ICMP echo requests (identifier 0x5343) sent from a raw socket, answered by the kernel.
# Needs root and Debian's tcpdump, nginx-light, curl, python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-fixtures/conversations.pcap}
. scripts/record/lib.sh
addr=127.0.0.4

nginx_conf "
  access_log off; default_type text/plain;
  server {
    listen $addr:8080; root $work/www;
    location = /login { add_header Set-Cookie \"SID=f3a9c2e1d4b5a6978877; Path=/; HttpOnly\"; return 200 \"welcome\n\"; }
    location = /account { return 200 \"your account\n\"; }
  }
  server { listen $addr:8081; location /api/ { return 200 \"[]\n\"; } }
"
mkdir -p "$work/www" "$work/plain"
printf 'page one\n' > "$work/www/one.txt"; printf 'page two\n' > "$work/www/two.txt"
printf 'hello over HTTP/1.0\n' > "$work/plain/hello.txt"

# A JWT: header {"alg":"HS256","typ":"JWT"}, claims sub, role, exp; the signature is random bytes
# (nothing verifies it here; statecap must never print it).
jwt=$(python3 - <<'PY'
import base64, json, os
b = lambda d: base64.urlsafe_b64encode(d).rstrip(b'=').decode()
print('.'.join([b(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode()),
                b(json.dumps({'sub': 'alice', 'role': 'reader', 'exp': 1900000000}).encode()),
                b(os.urandom(32))]))
PY
)

cleanup() { kill "${cap_pid:-}" "${web_pid:-}" "${h10_pid:-}" "${udp_pid:-}" 2>/dev/null || true; }
trap cleanup EXIT
nginx -c "$work/nginx.conf" &
web_pid=$!
(cd "$work/plain" && exec python3 -m http.server --bind $addr 8000) >"$work/http10.log" 2>&1 &
h10_pid=$!
python3 - "$addr" >"$work/udp.log" 2>&1 <<'PY' &
import socket, sys, threading
addr = sys.argv[1]
echo = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); echo.bind((addr, 7007))
sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); sink.bind((addr, 9009))
def serve_echo():
    while True:
        data, peer = echo.recvfrom(2048); echo.sendto(data, peer)
def serve_stream():
    n = 0
    while True:
        data, peer = sink.recvfrom(2048); n += 1
        if n % 9 == 0: sink.sendto(b'ack %d' % n, peer)
threading.Thread(target=serve_echo, daemon=True).start()
serve_stream()
PY
udp_pid=$!
sleep 1

start_capture "host $addr"

curl -s -c "$work/jar" "http://$addr:8080/login?next=home" >/dev/null
curl -s -b "$work/jar" "http://$addr:8080/account" >/dev/null
curl -s -H "Authorization: Bearer $jwt" "http://$addr:8081/api/items" >/dev/null
curl -s -H "Authorization: Bearer $jwt" "http://$addr:8081/api/orders?page=2" >/dev/null
curl -s "http://$addr:8000/hello.txt" >/dev/null
curl -s "http://$addr:8080/one.txt" "http://$addr:8080/two.txt" >/dev/null
python3 - "$addr" <<'PY'
import socket, sys
s = socket.create_connection((sys.argv[1], 8080))
s.sendall(b'GET /one.txt HTTP/1.1\r\nHost: pipelined.test\r\n\r\nGET /two.txt HTTP/1.1\r\nHost: pipelined.test\r\nConnection: close\r\n\r\n')
while s.recv(4096): pass
s.close()
PY
python3 - "$addr" <<'PY'
import socket, sys, time
addr = sys.argv[1]
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.settimeout(1)
for i in range(3):
    c.sendto(b'echo request %d' % i, (addr, 7007)); c.recvfrom(2048); time.sleep(0.05)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(1)
for i in range(1, 181):
    s.sendto(b'stream datagram %03d' % i, (addr, 9009))
    if i % 9 == 0: s.recvfrom(2048)
    time.sleep(0.002)
PY
python3 - "$addr" <<'PY'
import socket, struct, sys, time
def checksum(b):
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b)); s = (s >> 16) + (s & 0xffff); return ~(s + (s >> 16)) & 0xffff
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP); r.settimeout(1)
for seq in range(1, 4):
    body = b'statecap ping %02d' % seq  # even length for the checksum
    head = struct.pack('!BBHHH', 8, 0, 0, 0x5343, seq)
    r.sendto(struct.pack('!BBHHH', 8, 0, checksum(head + body), 0x5343, seq) + body, (sys.argv[1], 0))
    time.sleep(0.2)
PY
sleep 1

finish_capture "$web_pid" "$h10_pid" "$udp_pid"
