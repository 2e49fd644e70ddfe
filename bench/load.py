#!/usr/bin/env python3
"""Load checks for issue #14, against a running Waypoint (standard library only; loopback only).

  workday: STAFF signed-in staff (the first MANAGERS of them managers) for SECONDS: My work,
           child pages, register searches and new children through the form; each manager opens a
           report every tenth step. Prints page and report latency percentiles and the 5xx count.
  abuse:   ABUSERS clients sending oversized bodies, slow bodies and wrong passwords, while one
           signed-in user keeps opening child pages and saving contacts. Prints the server's peak
           memory, the user's latency percentiles and the user's 5xx count.

Every loop is bounded by SECONDS; nothing here talks to anything but the given loopback address.
"""
import argparse, http.client, random, re, socket, threading, time, urllib.parse

CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


class Session:
    def __init__(self, host, port):
        self.host, self.port, self.cookies, self.csrf = host, port, {}, ""
        self.conn = None

    def request(self, method, path, fields=None, timeout=60):
        body, headers = None, {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if fields is not None:
            fields = list(fields) + [("_csrf", self.csrf)]
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read().decode("utf-8", "replace")
                break
            except (http.client.HTTPException, OSError):
                self.conn = None
                if attempt == 1:
                    return 599, ""
        for h, v in r.getheaders():
            if h.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                value = rest.split(";", 1)[0]
                if value and "max-age=0" not in v.lower():
                    self.cookies[name.strip()] = value
                else:
                    self.cookies.pop(name.strip(), None)
        m = CSRF.search(data)
        if m:
            self.csrf = m.group(1)
        self.location = r.getheader("Location")
        return r.status, data

    def sign_in(self, email, password):
        self.request("GET", "/sign-in")
        status, _ = self.request("POST", "/sign-in", [("email", email), ("password", password)])
        return status == 303


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))] * 1000


REPORTS = ["first-time-entrants", "reoffending", "custody", "diversion-outcomes", "screening", "kpis", "disproportionality",
           "offence-profile", "caseload", "contact-attendance", "timeliness", "plan-dashboard"]


def child_ids(s):
    ids = set()
    for q in ["a", "e", "o", "i"]:
        _, body = s.request("GET", "/children?q=" + q)
        ids.update(re.findall(r'href="/children/([0-9a-f-]{36})"', body))
    return sorted(ids)


def workday(args):
    results, lock = [], threading.Lock()  # (kind, seconds, status)
    deadline = [0.0]

    sessions = []
    for n in range(args.staff):  # signed in one after another, as a morning would be
        s = Session(args.host, args.port)
        email = f"load-{'manager' if n < args.managers else 'practitioner'}-{n}@demo.waypoint.test"
        if not s.sign_in(email, args.password):
            raise SystemExit(f"{email} could not sign in")
        sessions.append((s, child_ids(s)))

    def staff(n):
        s, ids = sessions[n]
        rng = random.Random(n)
        step = 0
        while time.time() < deadline[0]:
            step += 1
            if n < args.managers and step % 10 == 0:
                kind, start = "report", time.time()
                status, _ = s.request("GET", "/reports/" + rng.choice(REPORTS))
            else:
                choice = rng.random()
                start = time.time()
                if choice < 0.3:
                    kind = "page"; status, _ = s.request("GET", "/my-work")
                elif choice < 0.65 and ids:
                    kind = "page"; status, _ = s.request("GET", "/children/" + rng.choice(ids))
                elif choice < 0.9:
                    kind = "page"; status, _ = s.request("GET", "/children?q=" + rng.choice(["smith", "jo", "ali", "taylor", "mo"]))
                else:
                    kind = "page"; s.request("GET", "/children/new")
                    start = time.time()
                    status, _ = s.request("POST", "/children", [
                        ("given_name", f"Load{n}"), ("family_name", f"Step{step}"), ("preferred_name", ""),
                        ("dob-day", str(1 + step % 28)), ("dob-month", str(1 + n % 12)), ("dob-year", "2010"),
                        ("sex", "female"), ("ethnicity", "white_british"), ("care_status", "none"), ("send", "no"), ("ehcp", "no"),
                        ("postcode", "LS1 4AP"), ("district", "Northbrook"), ("nhs_number", ""), ("upn", ""), ("pnc_id", ""),
                        ("school", ""), ("ete_status", ""), ("accommodation", ""), ("what_matters", "Music"), ("strengths", "Funny"),
                        ("confirm_not_duplicate", "yes")])
            with lock:
                results.append((kind, time.time() - start, status))

    threads = [threading.Thread(target=staff, args=(n,)) for n in range(args.staff)]
    deadline[0] = time.time() + args.seconds
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    pages = [d for k, d, st in results if k == "page"]
    reports = [d for k, d, st in results if k == "report"]
    errors = sum(1 for k, d, st in results if st >= 500)
    print(f"workday ({args.label}): {args.staff} staff ({args.managers} managers), {len(results)} requests, "
          f"{errors} answered 5xx; pages p50 {pct(pages, 50):.0f} ms p95 {pct(pages, 95):.0f} ms p99 {pct(pages, 99):.0f} ms; "
          f"reports ({len(reports)}) p50 {pct(reports, 50):.0f} ms p95 {pct(reports, 95):.0f} ms")
    print(f"  targets: zero 5xx {'MET' if errors == 0 else 'MISSED'}; page p95 < 500 ms {'MET' if pct(pages, 95) < 500 else 'MISSED'}; "
          f"report p95 < 2 s {'MET' if pct(reports, 95) < 2000 else 'MISSED'}")


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return 0
    return 0


def abuse(args):
    stop = time.time() + args.seconds
    peak = [rss_mb(args.pid)]
    start_rss = peak[0]
    counts = {"oversized": 0, "slow": 0, "password": 0}
    lock = threading.Lock()

    def sampler():
        while time.time() < stop:
            peak[0] = max(peak[0], rss_mb(args.pid))
            time.sleep(0.1)

    def raw_posts(kind, length, send_body):
        # POST /sign-in announcing `length` bytes, the body sent by `send_body(sock)`; again until the time is up.
        while time.time() < stop:
            sock = None
            try:
                sock = socket.create_connection((args.host, args.port), timeout=5)
                sock.sendall(b"POST /sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                             b"Content-Length: %d\r\n\r\n" % length)
                send_body(sock)
            except OSError:
                pass
            finally:
                if sock is not None:
                    sock.close()
            with lock:
                counts[kind] += 1

    def oversized():
        # Announces 300 MB and sends as fast as the server will take it.
        chunk = b"email=" + b"a" * 65536

        def body(sock):
            sent = 0
            while sent < 314572800 and time.time() < stop:
                sock.sendall(chunk)
                sent += len(chunk)
        raw_posts("oversized", 314572800, body)

    def slow():
        # A 1 MB body trickled a byte every 200 ms.
        def body(sock):
            while time.time() < stop:
                sock.sendall(b"a")
                time.sleep(0.2)
        raw_posts("slow", 1000000, body)

    def passwords(n):
        rng = random.Random(n)
        while time.time() < stop:
            s = Session(args.host, args.port)
            s.request("GET", "/sign-in", timeout=30)
            email = rng.choice([f"nobody{rng.randrange(10**6)}@example.test", "manager@demo.waypoint.test", "practitioner@demo.waypoint.test"])
            s.request("POST", "/sign-in", [("email", email), ("password", "wrong-password-%d" % rng.randrange(10**6))], timeout=30)
            with lock:
                counts["password"] += 1

    user_results = []

    def user():
        s = Session(args.host, args.port)
        if not s.sign_in(args.user_email, args.password):
            user_results.append((0, 599, "sign-in"))
            return
        _, body = s.request("GET", "/my-work")
        interventions = sorted(set(re.findall(r'href="/interventions/([0-9a-f-]{36})"', body)))
        ids = child_ids(s)
        rng = random.Random(7)
        step = 0
        while time.time() < stop:
            step += 1
            start = time.time()
            if step % 3 == 0 and interventions:
                iid = rng.choice(interventions)
                s.request("GET", f"/interventions/{iid}/records/contact/new")
                start = time.time()
                status, _ = s.request("POST", f"/interventions/{iid}/records/contact", [
                    ("contact_on-day", "1"), ("contact_on-month", "12"), ("contact_on-year", "2026"), ("contact_time", "10:30"),
                    ("contact_type", "one_to_one"), ("place", "school"), ("workers", ""), ("attendance", ""), ("absence_acceptable", ""),
                    ("notes", "Load check contact")])
            else:
                status, _ = s.request("GET", "/children/" + rng.choice(ids)) if ids else s.request("GET", "/my-work")
            user_results.append((time.time() - start, status, "contact" if step % 3 == 0 and interventions else "page"))
            time.sleep(0.05)

    threads = [threading.Thread(target=sampler), threading.Thread(target=user)]
    n_over = args.abusers // 4
    n_slow = args.abusers // 4
    threads += [threading.Thread(target=oversized) for _ in range(n_over)]
    threads += [threading.Thread(target=slow) for _ in range(n_slow)]
    threads += [threading.Thread(target=passwords, args=(i,)) for i in range(args.abusers - n_over - n_slow)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times = [d for d, st, k in user_results]
    errors = sum(1 for d, st, k in user_results if st >= 500)
    contacts = [d for d, st, k in user_results if k == "contact"]
    pages = [d for d, st, k in user_results if k == "page"]
    print(f"abuse ({args.label}): {args.abusers} abusers ({n_over} oversized, {n_slow} slow, {args.abusers - n_over - n_slow} wrong passwords: "
          f"{counts['oversized']} oversized bodies, {counts['slow']} slow bodies, {counts['password']} wrong passwords sent); "
          f"server memory {start_rss:.0f} MB at start, peak {peak[0]:.0f} MB; user: {len(times)} requests, {errors} answered 5xx, "
          f"p50 {pct(times, 50):.0f} ms p99 {pct(times, 99):.0f} ms (child pages p50 {pct(pages, 50):.0f} ms p99 {pct(pages, 99):.0f} ms; "
          f"contacts saved p50 {pct(contacts, 50):.0f} ms p99 {pct(contacts, 99):.0f} ms)")
    print(f"  targets: server under 300 MB {'MET' if peak[0] < 300 else 'MISSED'}; user p99 < 500 ms {'MET' if pct(times, 99) < 500 else 'MISSED'}; "
          f"zero 5xx for the user {'MET' if errors == 0 and times else 'MISSED'}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("scenario", choices=["workday", "abuse"])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8091)
    p.add_argument("--password", required=True)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--staff", type=int, default=40)
    p.add_argument("--managers", type=int, default=10)
    p.add_argument("--abusers", type=int, default=200)
    p.add_argument("--pid", type=int, default=0)
    p.add_argument("--user-email", default="practitioner@demo.waypoint.test")
    p.add_argument("--label", default="")
    args = p.parse_args()
    assert args.host in ("127.0.0.1", "localhost", "::1"), "load checks run against loopback only"
    (workday if args.scenario == "workday" else abuse)(args)


if __name__ == "__main__":
    main()
