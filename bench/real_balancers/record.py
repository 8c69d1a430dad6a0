#!/usr/bin/env python3
"""Records the servers real nginx and HAProxy pick, as fixtures for lbsim's balancer tests.

Usage: record.py OUTPUT_DIR [CASE...]   (bench/real_balancers/record.sh installs the programs and
calls it; naming cases records only those)

For each case below it writes OUTPUT_DIR/CASE.txt: the program and version, lbsim's algorithm and
options for the same configuration, the servers (weights, down, backup), and one line per request: whether
it was answered at once ("quick") or held open at its server until the case ends ("hold": a request
in flight), the client address it was sent from, its path, and the server that got it. A case with
`workers` runs nginx with that many worker processes, no shared zone and `listen ... reuseport`
(so that the kernel spreads the connections over the workers); each step then also names the
worker that handled it (0, 1, ... in the order of their process ids), which nginx passes to the
backend in a header.

Safety: every socket is on 127.0.0.0/8; each case sends a bounded number of requests; the nginx
and HAProxy processes are started here and stopped by their process ids when the recording ends,
also on error. Backends are threads of this process.
"""
import http.client
import http.server
import os
import queue
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

BACKEND_PORTS = [18101, 18102, 18103, 18104]  # servers a, b, c, d
LETTERS = "abcd"


# --- the cases -----------------------------------------------------------------------------------
# steps: ("quick" | "hold", client address, path). A hold is answered only when the case ends.
# HAProxy cases may also change a server at run time through its admin socket, between requests:
# ("state", letter, "down" | "up") and ("weight", letter, new weight).
# With max_conns: ("queue", client, path) is a held request that finds every server full and
# waits in HAProxy's backend queue; ("release", step number, "") answers that step's held request
# now, and the oldest queued request, if any, reaches the server that freed its slot.

def quick(n, client="127.0.0.1", path="/"):
    return [("quick", client, path)] * n


def clients(n, salt=0):
    """n client addresses on different /24s of 127.0.0.0/8 (ip_hash hashes the first three octets),
    drawn from a seeded generator so that the fixtures are the same at every recording."""
    draw = random.Random(salt)
    return ["127.%d.%d.%d" % (draw.randint(0, 255), draw.randint(0, 255), draw.randint(1, 254)) for _ in range(n)]


def each_client(addresses, path="/"):
    return [("quick", a, path) for a in addresses]


HOLD = [("hold", "127.0.0.1", "/hold")]


def state(letter, up):
    return [("state", letter, "up" if up else "down")]


def weight(letter, value):
    return [("weight", letter, str(value))]


def release(step):
    return [("release", step, "")]


QUEUE = [("queue", "127.0.0.1", "/hold")]

CASES = [
    # name, program, directive (nginx) or balance (haproxy), lbsim algorithm, options, weights, down, steps
    dict(name="nginx-round-robin", program="nginx", directive="", algorithm="round_robin",
         weights=[1, 1, 1], steps=quick(9)),
    dict(name="nginx-weighted-5-1-1", program="nginx", directive="", algorithm="weighted_round_robin",
         weights=[5, 1, 1], steps=quick(14)),
    dict(name="nginx-weighted-4-3-2-1", program="nginx", directive="", algorithm="weighted_round_robin",
         weights=[4, 3, 2, 1], steps=quick(20)),
    dict(name="nginx-weighted-5-1-1-b-down", program="nginx", directive="", algorithm="weighted_round_robin",
         weights=[5, 1, 1], down=[1], steps=quick(12)),
    # Per-worker state (no zone): each worker keeps its own current weights and counts.
    dict(name="nginx-weighted-5-1-1-two-workers", program="nginx", directive="", algorithm="weighted_round_robin",
         weights=[5, 1, 1], workers=2, steps=quick(42)),
    dict(name="nginx-round-robin-two-workers", program="nginx", directive="", algorithm="round_robin",
         weights=[1, 1, 1], workers=2, steps=quick(24)),
    dict(name="nginx-least-conn-two-workers", program="nginx", directive="least_conn;", algorithm="least_connections",
         weights=[1, 1, 1], workers=2, steps=HOLD * 4 + quick(8) + HOLD * 3 + quick(8)),
    dict(name="nginx-least-conn-idle", program="nginx", directive="least_conn;", algorithm="least_connections",
         weights=[2, 1, 1], steps=quick(8)),
    dict(name="nginx-least-conn-in-flight", program="nginx", directive="least_conn;",
         algorithm="least_connections", weights=[2, 1, 1],
         steps=HOLD * 3 + quick(4) + HOLD * 2 + quick(6) + HOLD + quick(4)),
    dict(name="nginx-least-conn-equal-in-flight", program="nginx", directive="least_conn;",
         algorithm="least_connections", weights=[1, 1, 1, 1],
         steps=HOLD * 2 + quick(6) + HOLD * 3 + quick(6)),
    dict(name="nginx-ip-hash", program="nginx", directive="ip_hash;", algorithm="ip_hash",
         weights=[1, 1, 1], steps=each_client(clients(24))),
    dict(name="nginx-ip-hash-weighted", program="nginx", directive="ip_hash;", algorithm="ip_hash",
         weights=[2, 1, 1], steps=each_client(clients(24, salt=1))),
    dict(name="nginx-ip-hash-b-down", program="nginx", directive="ip_hash;", algorithm="ip_hash",
         weights=[1, 1, 1], down=[1], steps=each_client(clients(24))),
    dict(name="nginx-hash-consistent", program="nginx", directive="hash $remote_addr consistent;",
         algorithm="consistent_hash", options={"hash_key": "client"}, weights=[1, 1, 1],
         steps=each_client(clients(24, salt=2))),
    dict(name="nginx-hash-consistent-a-down", program="nginx", directive="hash $remote_addr consistent;",
         algorithm="consistent_hash", options={"hash_key": "client"}, weights=[1, 1, 1], down=[0],
         steps=each_client(clients(24, salt=2))),
    dict(name="nginx-hash-uri-consistent", program="nginx", directive="hash $request_uri consistent;",
         algorithm="consistent_hash", options={"hash_key": "path"}, weights=[1, 2, 1],
         steps=[("quick", "127.0.0.1", "/item/%d" % i) for i in range(24)]),
    dict(name="haproxy-static-rr-5-1-1", program="haproxy", directive="balance static-rr",
         algorithm="weighted_round_robin", options={"variant": "classic"}, weights=[5, 1, 1], steps=quick(14)),
    dict(name="haproxy-static-rr-5-1-1-b-down", program="haproxy", directive="balance static-rr",
         algorithm="weighted_round_robin", options={"variant": "classic"}, weights=[5, 1, 1], down=[1],
         steps=quick(12)),
    dict(name="haproxy-roundrobin-3-2-1", program="haproxy", directive="balance roundrobin",
         algorithm="weighted_round_robin", options={"variant": "fwrr"}, weights=[3, 2, 1], steps=quick(18)),
    dict(name="haproxy-roundrobin-5-1-1", program="haproxy", directive="balance roundrobin",
         algorithm="weighted_round_robin", options={"variant": "fwrr"}, weights=[5, 1, 1], steps=quick(21)),
    dict(name="haproxy-roundrobin-4-3-2-1", program="haproxy", directive="balance roundrobin",
         algorithm="weighted_round_robin", options={"variant": "fwrr"}, weights=[4, 3, 2, 1], steps=quick(30)),
    dict(name="haproxy-roundrobin-equal", program="haproxy", directive="balance roundrobin",
         algorithm="weighted_round_robin", options={"variant": "fwrr"}, weights=[1, 1, 1, 1], steps=quick(12)),
    dict(name="haproxy-roundrobin-7-3-2-5-b-down", program="haproxy", directive="balance roundrobin",
         algorithm="weighted_round_robin", options={"variant": "fwrr"}, weights=[7, 3, 2, 5], down=[1],
         steps=quick(34)),
    dict(name="haproxy-roundrobin-runtime-changes", program="haproxy", directive="balance roundrobin",
         algorithm="weighted_round_robin", options={"variant": "fwrr"}, weights=[3, 2, 1, 1],
         steps=quick(7) + state("b", False) + quick(6) + state("b", True) + quick(8) + weight("a", 1) +
         quick(6) + weight("c", 4) + quick(9) + state("d", False) + quick(5) + state("d", True) + quick(7)),
    dict(name="haproxy-static-rr-runtime-changes", program="haproxy", directive="balance static-rr",
         algorithm="weighted_round_robin", options={"variant": "classic"}, weights=[5, 1, 1],
         steps=quick(5) + state("b", False) + quick(6) + state("b", True) + quick(9)),
    dict(name="haproxy-source", program="haproxy", directive="balance source", algorithm="haproxy_hash",
         options={"hash_key": "client"}, weights=[1, 1, 1], steps=each_client(clients(24, salt=3))),
    dict(name="haproxy-source-weighted", program="haproxy", directive="balance source", algorithm="haproxy_hash",
         options={"hash_key": "client"}, weights=[3, 2, 1], steps=each_client(clients(24, salt=4))),
    dict(name="haproxy-source-b-down", program="haproxy", directive="balance source", algorithm="haproxy_hash",
         options={"hash_key": "client"}, weights=[1, 1, 1], down=[1], steps=each_client(clients(24, salt=3))),
    dict(name="haproxy-source-runtime-changes", program="haproxy", directive="balance source",
         algorithm="haproxy_hash", options={"hash_key": "client"}, weights=[2, 1, 1, 1],
         steps=each_client(clients(12, salt=5)) + state("c", False) + each_client(clients(12, salt=5)) +
         state("c", True) + each_client(clients(12, salt=5))),
    dict(name="haproxy-uri", program="haproxy", directive="balance uri", algorithm="haproxy_hash",
         options={"hash_key": "path"}, weights=[1, 2, 1],
         steps=[("quick", "127.0.0.1", "/item/%d" % i) for i in range(16)] +
               [("quick", "127.0.0.1", "/item/%d?page=%d" % (i, i * 7)) for i in range(8)]),
    dict(name="haproxy-uri-c-down", program="haproxy", directive="balance uri", algorithm="haproxy_hash",
         options={"hash_key": "path"}, weights=[1, 2, 1], down=[2],
         steps=[("quick", "127.0.0.1", "/api/v1/users/%d" % i) for i in range(20)]),
    dict(name="haproxy-source-consistent", program="haproxy", directive="balance source\nhash-type consistent",
         algorithm="haproxy_hash", options={"hash_key": "client", "hash_type": "consistent"}, weights=[1, 1, 1],
         steps=each_client(clients(24, salt=6))),
    dict(name="haproxy-source-consistent-weighted", program="haproxy",
         directive="balance source\nhash-type consistent", algorithm="haproxy_hash",
         options={"hash_key": "client", "hash_type": "consistent"}, weights=[3, 2, 1, 1],
         steps=each_client(clients(24, salt=7))),
    dict(name="haproxy-source-consistent-runtime-changes", program="haproxy",
         directive="balance source\nhash-type consistent", algorithm="haproxy_hash",
         options={"hash_key": "client", "hash_type": "consistent"}, weights=[1, 1, 1, 1],
         steps=each_client(clients(12, salt=8)) + state("b", False) + each_client(clients(12, salt=8)) +
         state("b", True) + weight("c", 3) + each_client(clients(12, salt=8))),
    dict(name="haproxy-uri-consistent", program="haproxy", directive="balance uri\nhash-type consistent",
         algorithm="haproxy_hash", options={"hash_key": "path", "hash_type": "consistent"}, weights=[1, 2, 1],
         steps=[("quick", "127.0.0.1", "/item/%d" % i) for i in range(24)]),
    dict(name="haproxy-uri-consistent-b-down", program="haproxy", directive="balance uri\nhash-type consistent",
         algorithm="haproxy_hash", options={"hash_key": "path", "hash_type": "consistent"}, weights=[1, 2, 1],
         down=[1], steps=[("quick", "127.0.0.1", "/item/%d" % i) for i in range(24)]),
    dict(name="haproxy-leastconn-idle", program="haproxy", directive="balance leastconn",
         algorithm="weighted_least_connections", weights=[1, 1, 1], steps=quick(6)),
    dict(name="haproxy-leastconn-runtime-changes", program="haproxy", directive="balance leastconn",
         algorithm="weighted_least_connections", weights=[1, 1, 1],
         steps=HOLD * 2 + quick(3) + state("a", False) + HOLD + quick(4) + state("a", True) + quick(4)),
    dict(name="haproxy-leastconn-in-flight", program="haproxy", directive="balance leastconn",
         algorithm="weighted_least_connections", weights=[2, 1, 1],
         steps=HOLD * 3 + quick(4) + HOLD * 2 + quick(6)),
] + [
    # Server flags: backup servers (c and d below), down/disabled servers, a disabled server enabled.
    # nginx cannot change a server at run time, so its backups are seen with the primaries down.
    dict(name="nginx-weighted-backup-unused", program="nginx", directive="", algorithm="weighted_round_robin",
         weights=[2, 1, 1], backup=[2], steps=quick(9)),
    dict(name="nginx-weighted-backup-primaries-down", program="nginx", directive="",
         algorithm="weighted_round_robin", weights=[3, 1, 2, 1], down=[0, 1], backup=[2, 3], steps=quick(12)),
    dict(name="nginx-weighted-backup-one-primary-down", program="nginx", directive="",
         algorithm="weighted_round_robin", weights=[3, 1, 2, 1], down=[0], backup=[2, 3], steps=quick(8)),
    dict(name="nginx-least-conn-backup", program="nginx", directive="least_conn;", algorithm="least_connections",
         weights=[1, 1, 2, 1], down=[0, 1], backup=[2, 3],
         steps=HOLD * 3 + quick(4) + HOLD * 2 + quick(4)),
    dict(name="nginx-least-conn-backup-unused", program="nginx", directive="least_conn;",
         algorithm="least_connections", weights=[2, 1, 1], backup=[2], steps=HOLD * 2 + quick(4) + HOLD + quick(4)),
    dict(name="nginx-least-conn-b-down", program="nginx", directive="least_conn;", algorithm="least_connections",
         weights=[1, 1, 2, 1], down=[1], steps=HOLD * 2 + quick(4) + HOLD * 2 + quick(5)),
] + [
    dict(name="haproxy-%s-backup%s" % (balance, "-all" if every else ""), program="haproxy",
         directive="balance %s%s" % (balance, "\noption allbackups" if every else ""), algorithm=algorithm,
         options=dict(options, **({"backups": "all"} if every else {})), weights=[3, 2, 1, 2], backup=[2, 3],
         steps=quick(5) + state("a", False) + state("b", False) + quick(7) + state("c", False) + quick(3) +
         state("c", True) + quick(4) + state("b", True) + quick(5))
    for balance, algorithm, options in (("roundrobin", "weighted_round_robin", {"variant": "fwrr"}),
                                        ("static-rr", "weighted_round_robin", {"variant": "classic"}))
    for every in (False, True)
] + [
    dict(name="haproxy-leastconn-backup%s" % ("-all" if every else ""), program="haproxy",
         directive="balance leastconn%s" % ("\noption allbackups" if every else ""),
         algorithm="weighted_least_connections", options={"backups": "all"} if every else {},
         weights=[1, 1, 1, 2], backup=[2, 3],
         steps=HOLD + quick(2) + state("a", False) + state("b", False) + HOLD * 2 + quick(3) + HOLD + quick(3) +
         state("a", True) + quick(3))
    for every in (False, True)
] + [
    dict(name="haproxy-%s-disabled-enabled" % balance, program="haproxy", directive="balance " + balance,
         algorithm=algorithm, options=options, weights=[3, 2, 1], down=[1],
         steps=quick(6) + state("b", True) + quick(12))
    for balance, algorithm, options in (("roundrobin", "weighted_round_robin", {"variant": "fwrr"}),
                                        ("static-rr", "weighted_round_robin", {"variant": "classic"}),
                                        ("leastconn", "weighted_least_connections", {}))
] + [
    # max_conns (HAProxy maxconn): `balance first` fills the servers in order; held requests are
    # released one by one (steps are numbered from 0, changes and releases included).
    dict(name="haproxy-first-maxconn-2", program="haproxy", directive="balance first", algorithm="first",
         weights=[1, 1, 1], max_conns=[2, 2, 2],
         steps=HOLD * 2 + quick(2) + HOLD * 3 + quick(1) + release(0) + quick(2) + HOLD + quick(1) + release(4) +
         release(5) + quick(2) + HOLD + release(1) + release(6) + quick(2) + HOLD * 2 + quick(1)),
    dict(name="haproxy-first-maxconn-2-weighted", program="haproxy", directive="balance first", algorithm="first",
         weights=[1, 5, 2], max_conns=[2, 1, 2],
         steps=HOLD * 3 + quick(2) + release(1) + HOLD + quick(1) + HOLD + release(0) + release(2) + quick(2)),
    # The backend queue: every server full, requests wait, a server that frees a slot takes the
    # oldest (queue.c process_srv_queue); roundrobin then goes on around the servers not full.
    dict(name="haproxy-roundrobin-maxconn-1-queue", program="haproxy",
         directive="balance roundrobin\ntimeout queue 10s", algorithm="weighted_round_robin",
         options={"variant": "fwrr"}, weights=[1, 1, 1], max_conns=[1, 1, 1],
         steps=HOLD * 3 + QUEUE * 2 + release(1) + release(0) + release(2) + quick(1) + release(3) + quick(3) +
         release(4) + HOLD * 3 + QUEUE + release(15) + release(14) + quick(2)),
    dict(name="haproxy-leastconn-maxconn-queue", program="haproxy",
         directive="balance leastconn\ntimeout queue 10s", algorithm="weighted_least_connections",
         weights=[1, 1, 1], max_conns=[2, 1, 1],
         steps=HOLD * 4 + QUEUE * 3 + release(2) + release(0) + release(3) + release(5) + quick(1) + release(1) +
         quick(2)),
]


# --- backends: one HTTP server per port, each answers with its letter -----------------------------

class Backends:
    def __init__(self):
        self.received = queue.Queue()  # (letter, path, worker pid) of each held request, as it arrives
        self.release = threading.Event()  # answers every held request
        self.released = set()  # paths of held requests answered before the end
        self.lock = threading.Lock()
        self.servers = []
        for letter, port in zip(LETTERS, BACKEND_PORTS):
            handler = self._handler(letter)
            server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)

    def _handler(self, letter):
        backends = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                worker = self.headers.get("X-Lbsim-Worker", "")  # nginx's $pid
                if self.path.startswith("/hold"):
                    backends.received.put((letter, self.path, worker))
                    deadline = time.time() + 30
                    while not backends.release.wait(0.01) and time.time() < deadline:
                        with backends.lock:
                            if self.path in backends.released:
                                break
                body = (letter + " " + worker).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

    def close(self):
        self.release.set()
        for server in self.servers:
            server.shutdown()
            server.server_close()


def get(port, client, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10, source_address=(client, 0))
    try:
        connection.request("GET", path, headers={"Connection": "close"})
        response = connection.getresponse()
        body = response.read().decode()
        if response.status != 200:
            raise RuntimeError("%s from 127.0.0.1:%d%s" % (response.status, port, path))
        return body
    finally:
        connection.close()


# --- the programs ---------------------------------------------------------------------------------

def max_conns(case, i):
    return case.get("max_conns", [0] * len(case["weights"]))[i]


def server_lines_nginx(case):
    lines = []
    for i, w in enumerate(case["weights"]):
        flags = (" weight=%d" % w if w != 1 else "") + (" down" if i in case.get("down", []) else "") + \
                (" backup" if i in case.get("backup", []) else "") + \
                (" max_conns=%d" % max_conns(case, i) if max_conns(case, i) else "")
        lines.append("server 127.0.0.1:%d%s;" % (BACKEND_PORTS[i], flags))
    return lines


def server_lines_haproxy(case):
    lines = []
    for i, w in enumerate(case["weights"]):
        flags = " weight %d" % w + (" disabled" if i in case.get("down", []) else "") + \
                (" backup" if i in case.get("backup", []) else "") + \
                (" maxconn %d" % max_conns(case, i) if max_conns(case, i) else "")
        lines.append("server %s 127.0.0.1:%d%s" % (LETTERS[i], BACKEND_PORTS[i], flags))
    return lines


def nginx_config(cases, ports, scratch):
    workers = cases[0].get("workers", 1)  # record() runs one nginx per worker count
    out = ["worker_processes %d;" % workers, "daemon off;", "pid %s/nginx.pid;" % scratch,
           "error_log %s/error.log warn;" % scratch, "events { worker_connections 256; }", "http {",
           "  access_log off;"]
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        out.append("  %s_temp_path %s/%s;" % (kind, scratch, kind))
    for case, port in zip(cases, ports):
        upstream = case["name"].replace("-", "_")
        out.append("  upstream %s {" % upstream)
        if case["directive"]:
            out.append("    " + case["directive"])
        out += ["    " + line for line in server_lines_nginx(case)]
        out.append("  }")
        out.append("  server { listen 127.0.0.1:%d%s; location / { proxy_pass http://%s; "
                   "proxy_next_upstream off; proxy_read_timeout 60s; proxy_set_header X-Lbsim-Worker $pid; } }" %
                   (port, " reuseport" if workers > 1 else "", upstream))
    out.append("}")
    return "\n".join(out) + "\n"


def haproxy_config(cases, ports, scratch):
    out = ["global", "  maxconn 256", "  stats socket %s/admin.sock level admin" % scratch, "defaults", "  mode http", "  timeout connect 2s",
           "  timeout client 60s", "  timeout server 60s"]
    for case, port in zip(cases, ports):
        name = case["name"]
        out += ["frontend f-%s" % name, "  bind 127.0.0.1:%d" % port, "  default_backend b-%s" % name,
                "backend b-%s" % name] + ["  " + d for d in case["directive"].split("\n")]
        out += ["  " + line for line in server_lines_haproxy(case)]
    return "\n".join(out) + "\n"


def version(program):
    if program == "nginx":
        text = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr
        return text.strip().split("/")[-1]
    text = subprocess.run(["haproxy", "-v"], capture_output=True, text=True).stdout
    return text.split()[2]


def wait_listening(ports, process):
    deadline = time.time() + 10
    for port in ports:
        while True:
            if process.poll() is not None:
                raise RuntimeError("the program exited with status %d" % process.returncode)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("nothing listens on 127.0.0.1:%d" % port)
                time.sleep(0.05)


def stop(process):
    """Stops a process this script started, by its id."""
    if process.poll() is None:
        os.kill(process.pid, 15)
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, 9)
            process.wait(5)


# --- recording -----------------------------------------------------------------------------------

def admin(scratch, command):
    """One command on HAProxy's admin socket; HAProxy answers with an empty line when it is done."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect(os.path.join(scratch, "admin.sock"))
        s.sendall((command + "\n").encode())
        answer = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    if answer.strip():
        raise RuntimeError("HAProxy refused %r: %s" % (command, answer.decode().strip()))


def play(case, port, backends, scratch):
    """Sends the case's requests in order; returns the letter of the server each reached (or "-"
    for a step that changes a server)."""
    picks = []
    pids = {}  # step -> the pid of the nginx worker that handled it
    waiting = []
    queued = []  # steps of the requests waiting in the backend queue, oldest first
    backends.release.clear()
    with backends.lock:
        backends.released.clear()
    for number, (kind, client, path) in enumerate(case["steps"]):
        if kind == "release":
            with backends.lock:
                backends.released.add("/hold/%d" % client)
            picks.append("-")
            if queued:  # the freed slot takes the oldest queued request
                letter, seen, _ = backends.received.get(timeout=10)
                step = int(seen.rsplit("/", 1)[1])
                if step not in queued:
                    raise RuntimeError("a request arrived from the queue as %s, expected one of %s" % (seen, queued))
                queued.remove(step)
                picks[step] = letter
            time.sleep(0.2)  # HAProxy has counted the slot free before the next request
            continue
        if kind in ("state", "weight"):
            server = "b-%s/%s" % (case["name"], client)
            if kind == "state":
                admin(scratch, "set server %s state %s" % (server, "ready" if path == "up" else "maint"))
            else:
                admin(scratch, "set server %s weight %s" % (server, path))
            picks.append("-")
            continue
        if kind == "quick":
            letter, pid = get(port, client, path).split(" ")
            picks.append(letter)
            pids[number] = pid
            continue
        held_path = "%s/%d" % (path, number)
        thread = threading.Thread(target=get, args=(port, client, held_path), daemon=True)
        thread.start()
        waiting.append(thread)
        if kind == "queue":
            time.sleep(0.3)
            if not backends.received.empty():
                raise RuntimeError("step %d should have waited in the queue, and reached a server" % number)
            queued.append(number)
            picks.append("?")
            continue
        letter, seen, pid = backends.received.get(timeout=10)  # the pick: where the held request arrived
        if seen != held_path:
            raise RuntimeError("held request %s arrived as %s" % (held_path, seen))
        picks.append(letter)
        pids[number] = pid
    backends.release.set()
    for thread in waiting:
        thread.join(15)
    # Worker k: the k-th smallest pid (nginx forks its workers in order).
    order = sorted(set(pids.values()), key=lambda p: int(p) if p.isdigit() else 0)
    workers = {step: order.index(pid) for step, pid in pids.items()}
    return picks, workers


def config_block(program, case):
    if program == "nginx":
        lines = ["worker_processes %d;" % case["workers"]] * (case.get("workers", 1) > 1)
        lines += ["upstream %s {" % case["name"].replace("-", "_")]
        lines += ["    " + case["directive"]] * bool(case["directive"])
        lines += ["    " + line for line in server_lines_nginx(case)] + ["}"]
    else:
        lines = ["backend b-%s" % case["name"]] + ["    " + d for d in case["directive"].split("\n")]
        lines += ["    " + line for line in server_lines_haproxy(case)]
    return "\n".join(lines) + "\n"


def fixture(case, program_version, picks, workers, config_lines):
    out = ["# Recorded from %s %s on loopback by bench/real_balancers/record.sh; do not edit." %
           (case["program"], program_version),
           "# The configuration:"]
    out += ["#   " + line for line in config_lines]
    out.append("program %s %s" % (case["program"], program_version))
    out.append("algorithm %s" % case["algorithm"])
    if case.get("workers", 1) > 1:
        out.append("workers %d" % case["workers"])
    for key, value in sorted(case.get("options", {}).items()):
        out.append("option %s %s" % (key, value))
    for i, w in enumerate(case["weights"]):
        down = " down" if i in case.get("down", []) else ""
        backup = " backup" if i in case.get("backup", []) else ""
        limit = " max_conns %d" % max_conns(case, i) if max_conns(case, i) else ""
        out.append("server 127.0.0.1:%d weight %d%s%s%s" % (BACKEND_PORTS[i], w, down, backup, limit))
    for number, ((kind, client, path), letter) in enumerate(zip(case["steps"], picks)):
        if kind == "release":
            out.append("release %d" % client)  # the step whose held request was answered
        elif kind in ("state", "weight"):
            out.append("change %s %s %s" % (kind, client, path))  # server letter, new state or weight
        else:
            worker = " worker %d" % workers[number] if case.get("workers", 1) > 1 else ""
            out.append("step %s %s %s %s%s" % (kind, client, path, letter, worker))
    return "\n".join(out) + "\n"


def record(program, cases, output, scratch, backends):
    ports = [18001 + i for i in range(len(cases))] if program == "nginx" else [18201 + i for i in range(len(cases))]
    if program == "nginx":
        config = os.path.join(scratch, "nginx.conf")
        with open(config, "w") as f:
            f.write(nginx_config(cases, ports, scratch))
        command = ["nginx", "-p", scratch, "-c", config]
    else:
        config = os.path.join(scratch, "haproxy.cfg")
        with open(config, "w") as f:
            f.write(haproxy_config(cases, ports, scratch))
        command = ["haproxy", "-db", "-f", config]
    program_version = version(program)
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_listening(ports, process)
        for case, port in zip(cases, ports):
            picks, workers = play(case, port, backends, scratch)
            if program == "nginx":
                lines = ["worker_processes %d;" % case["workers"]] * (case.get("workers", 1) > 1) + ["upstream {"] + ["  " + case["directive"]] * bool(case["directive"]) + \
                        ["  " + line for line in server_lines_nginx(case)] + ["}"]
            else:
                lines = ["backend"] + ["  " + d for d in case["directive"].split("\n")] + \
                        ["  " + line for line in server_lines_haproxy(case)]
            with open(os.path.join(output, case["name"] + ".txt"), "w") as f:
                f.write(fixture(case, program_version, picks, workers, lines))
            # The block alone, as `lbsim import` reads it (tests/scenarios/import_test.cpp).
            with open(os.path.join(output, "configs", case["name"] + ".conf"), "w") as f:
                f.write(config_block(program, case))
            print("%-36s %s %s" % (case["name"], "".join(picks),
                                   "".join(str(workers.get(n, "-")) for n in range(len(picks))) if case.get("workers", 1) > 1 else ""))
    finally:
        stop(process)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: record.py OUTPUT_DIR [CASE...]")
    output = sys.argv[1]
    chosen = sys.argv[2:]
    unknown = [name for name in chosen if name not in [c["name"] for c in CASES]]
    if unknown:
        sys.exit("no such case: " + ", ".join(unknown))
    os.makedirs(os.path.join(output, "configs"), exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="lbsim-real-balancers-")
    backends = Backends()
    try:
        for program in ("nginx", "haproxy"):
            cases = [c for c in CASES if c["program"] == program and (not chosen or c["name"] in chosen)]
            # One run of the program per worker count.
            for workers in sorted(set(c.get("workers", 1) for c in cases)):
                record(program, [c for c in cases if c.get("workers", 1) == workers], output, scratch, backends)
    finally:
        backends.close()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
