/**
 * Zeek's `likely_server_ports` for TCP with its default scripts loaded (each
 * scripts/base/protocols/<proto>/main.zeek adds its ports with `redef likely_server_ports`).
 * Zeek uses it to guess the originator of a connection whose first packet is not a SYN.
 */
export const LIKELY_SERVER_PORTS: ReadonlySet<number> = new Set([
  21, 2811, // ftp
  22, // ssh
  25, 587, // smtp
  53, // dns
  79, // finger
  80, 81, 631, 1080, 3128, 8000, 8080, 8888, // http (1080 also socks)
  88, // krb
  110, // pop3
  135, // dce-rpc
  139, 445, // smb
  143, // imap
  389, 3268, // ldap
  443, 563, 585, 614, 636, 989, 990, 992, 993, 995, 5223, // ssl
  502, // modbus
  1434, 3306, // mysql
  1883, // mqtt
  3389, // rdp
  5222, 5269, // xmpp
  5432, // postgresql
  6379, // redis
  6666, 6667, 6668, 6669, // irc
  20000, // dnp3
]);
