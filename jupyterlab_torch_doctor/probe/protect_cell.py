"""The code of the Protect and Unprotect cells: one source for the front end and pytest.

scripts/bundle-probe.py embeds this file (without this docstring) in the front end as
src/install/protectSource.ts; `protect_cell` in _bundle.py makes the cells, which the
front end's protectCell/unprotectCell reproduce exactly (a jest test compares them).
It runs visibly in the user's kernel: stdlib only, Python 3.8 syntax, and one name,
deleted by the cell even when it raises.
"""


def _torch_doctor_protection(action, pins=None):
    import ast, configparser, json, os, pathlib, re, stat, subprocess, sys, tempfile, time
    prefix = os.path.abspath(sys.prefix)
    config = os.path.join(prefix, "pip.ini" if sys.platform == "win32" else "pip.conf")
    target = os.path.join(prefix, "torch-doctor-constraints.txt")
    tag = "# torch-doctor-protect "

    def refuse(why):
        raise RuntimeError("Torch Doctor changed nothing: " + why) from None

    def own(path):
        """The stat of a plain file of this environment's own (None when absent); else refuse.
        A hard link is fine: the file is replaced, never written through."""
        if os.path.islink(path):
            refuse(f"{path} is a symbolic link to {os.path.realpath(path)}. A linked file may be shared "
                   "by other environments; Protect edits only this environment's own files.")
        if os.path.dirname(os.path.realpath(path)) != os.path.realpath(prefix):
            refuse(f"{path} lies outside this environment ({os.path.realpath(path)}).")
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        if not stat.S_ISREG(st.st_mode):
            refuse(f"{path} is not a plain file.")
        if not st.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
            refuse(f"{path} is read-only: make it writable to let Protect change it.")
        return st

    def lock():
        """Hold this environment's lock, so that two notebooks never edit its files at once."""
        deadline = time.monotonic() + 30
        if os.name == "nt":
            import msvcrt
            fd = os.open(target + ".lock", os.O_RDWR | os.O_CREAT, 0o644)
            take = lambda: msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl
            fd = os.open(prefix, os.O_RDONLY)  # the folder itself: no file is left behind
            take = lambda: fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        while True:
            try:
                take()
                return fd
            except OSError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    refuse("another notebook is changing this environment's protection; run the cell again.")
                time.sleep(0.1)

    def parse(lines):
        """[section, key, first, last] of each option and [section, header] of each section, as pip's
        configparser reads the lines: a deeper-indented line continues the option above it."""
        options, sections, opt, indent, name = [], [], None, 0, None
        for i, line in enumerate(lines):
            s = line.strip()
            if not s or s[0] in "#;":
                continue
            depth = len(line) - len(line.lstrip())
            if opt is not None and depth > indent:
                opt[3] = i
                continue
            indent, header = depth, re.match(r"\[(.+)\]", s)
            if header:
                name, opt = header.group(1), None
                sections.append([name, i])
            else:
                opt = [name, re.split("[=:]", s, 1)[0].strip().lower(), i, i]
                options.append(opt)
        return options, sections

    def entries(lines, opt):
        """The whitespace-separated values of an option: (value, line, start, end, first on its line)."""
        found = []
        for i in range(opt[2], opt[3] + 1):
            s = lines[i]
            if i > opt[2] and s.strip()[:1] in ("#", ";"):
                continue
            at = re.search("[=:]", s).end() if i == opt[2] else 0
            found += [(m.group(), i, m.start(), m.end(), not s[at:m.start()].strip())
                      for m in re.compile(r"\S+").finditer(s, at)]
        return found

    def entry(folder):
        """How Protect names a folder's pins file: pip splits the setting on whitespace, so a path
        with spaces is named by its file: URL."""
        path = os.path.join(folder, "torch-doctor-constraints.txt")
        return pathlib.Path(path).as_uri() if any(c.isspace() for c in path) else path

    def read(path):
        try:
            with open(path, encoding="utf-8", newline="") as f:
                return f.read()
        except FileNotFoundError:
            return None

    fd = lock()
    try:
        own(config)
        own(target)
        text = read(config)
        try:
            configparser.RawConfigParser().read_string(text or "")
        except configparser.Error as e:
            refuse(f"pip cannot read {config} as it is, so Protect does not edit it: "
                   + " ".join(str(e).split()))
        old = read(target)
        record = json.loads(old.split("\n", 1)[0][len(tag):]) if old and old.startswith(tag) else {}
        if "added" in record:  # written by an earlier Protect: the lines it added, as a record
            added = [l.strip() for l in record["added"]]
            made = [l for l in added if re.match(r"constraint\s*[=:]", l)]
            record = {"created": record.get("created", False), "header": "[install]" in added,
                      "option": bool(made), "copied": re.split(r"[=:]", made[0], 1)[1].split()[:-1]
                      if made else [], "prefix": os.path.dirname(record.get("config", config))}
        mine = {os.path.normcase(os.path.abspath(p)) for p in
                (target, os.path.join(record.get("prefix", prefix), "torch-doctor-constraints.txt"))}

        def ours(value):
            """Whether a constraint value names Protect's file here, or in the environment this one
            was cloned from (a copied config names the original's file)."""
            if value.startswith("file:"):
                from urllib.parse import unquote, urlsplit
                from urllib.request import url2pathname
                value = url2pathname(unquote(urlsplit(value).path))
            return os.path.normcase(os.path.abspath(value)) in mine

        chunks = re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", text or "")
        lines = [c.rstrip("\r\n") for c in chunks]
        ends = [c[len(l):] for c, l in zip(chunks, lines)]
        eol = "\r\n" if "\r\n" in (text or "") else "\n"

        def insert(at, new):
            if at == len(lines) and lines and not ends[-1]:
                ends[-1], last = eol, ""  # the file had no final newline: neither will it now
            else:
                last = eol
            lines[at:at] = new
            ends[at:at] = [eol] * (len(new) - 1) + [last]

        def delete(i):
            if i == len(lines) - 1 and not ends[i] and i > 0:
                ends[i - 1] = ""
            del lines[i], ends[i]

        def drop_ours(keep=None):
            """Take every value naming our file (except `keep`) out of every constraint setting,
            leaving the user's values, lines and spacing as they are; lines left empty go."""
            options, _ = parse(lines)
            gone = set()
            for opt in options:
                if opt[1] != "constraint":
                    continue
                for value, i, a, b, first in reversed(entries(lines, opt)):
                    if not ours(value) or value == keep:
                        continue
                    s = lines[i]
                    if first:  # take the space after it; a line of its own goes
                        s = s[:a] + s[b:].lstrip(" \t")
                        s = s if s[a:].strip() else s.rstrip(" \t")
                    else:  # take the space before it
                        s = s[:a].rstrip(" \t") + s[b:]
                    lines[i] = s
                    if i > opt[2] and not s.strip():
                        gone.add(i)
            for i in sorted(gone, reverse=True):
                delete(i)

        def setting(section):
            options, _ = parse(lines)
            found = [o for o in options if o[0] == section and o[1] == "constraint"]
            return found[-1] if found else None

        if action == "protect":
            mine_entry = entry(prefix)
            drop_ours(keep=mine_entry)
            now = setting("install") or setting("global")
            if not now or mine_entry not in [e[0] for e in entries(lines, now)]:
                install = setting("install")
                _, sections = parse(lines)
                if install:  # continue pip's setting on a line of its own
                    insert(install[3] + 1, ["    " + mine_entry])
                else:  # pip takes one setting: keep the files it reads now, from every config file
                    out = subprocess.run([sys.executable, "-m", "pip", "config", "list"], cwd=prefix,
                                         capture_output=True, text=True).stdout
                    pairs = dict(l.split("=", 1) for l in out.splitlines() if l.endswith("'") and "=" in l)
                    used = ast.literal_eval(pairs.get("install.constraint", pairs.get("global.constraint", "''")))
                    copied = [u for u in used.split() if not ours(u)]
                    head = [s for s in sections if s[0] == "install"]
                    record = dict(record, option=True, copied=copied)
                    new = ["constraint = " + " ".join(copied + [mine_entry])]
                    if head:
                        insert(head[-1][1] + 1, new)
                    else:
                        record["header"] = True
                        insert(len(lines), ["[install]"] + new)
            record.setdefault("created", text is None)
            record = {k: record.get(k, d) for k, d in
                      (("created", False), ("header", False), ("option", False), ("copied", []))}
            record["prefix"] = prefix
            pins_text = tag + json.dumps(record) + "\n" + "\n".join(pins) + "\n"
        else:
            drop_ours()
            options, sections = parse(lines)
            for opt in reversed(options):  # the setting Protect made, now back to what it copied
                if record.get("option") and opt[0] == "install" and opt[1] == "constraint" \
                        and [e[0] for e in entries(lines, opt)] == record.get("copied"):
                    for i in range(opt[3], opt[2] - 1, -1):
                        if i == opt[2] or lines[i].strip()[:1] not in ("#", ";"):
                            delete(i)
                    break
            options, sections = parse(lines)
            for name, at in reversed(sections):  # the header Protect added, if its section is empty
                nxt = [h for _, h in sections if h > at]
                body = lines[at + 1:nxt[0] if nxt else len(lines)]
                if record.get("header") and name == "install" and not "".join(body).strip():
                    delete(at)
                    break
            pins_text = None
        new_text = "".join(l + e for l, e in zip(lines, ends))
        if text is not None and record.get("created") and action != "protect" and not new_text.strip():
            new_text = None  # Protect created the file and nothing else is in it
        # Write the pins first, and name them in pip's config only once they are there;
        # Unprotect goes the other way. Each file is written whole to a temporary file beside
        # it and renamed over it; on any error every file is put back as it was.
        steps = [(target, pins_text), (config, new_text)] if action == "protect" else \
            [(config, new_text), (target, None)]
        steps = [(p, t) for p, t in steps if t != (text if p == config else old)]
        staged, done = {}, []
        try:
            for path, content in steps:
                for key, data in (("new", content), ("old", read(path))):
                    if data is None:
                        continue
                    tmp_fd, tmp = tempfile.mkstemp(dir=prefix, prefix=".torch-doctor-", suffix=".tmp")
                    staged[path, key] = tmp
                    with os.fdopen(tmp_fd, "w", encoding="utf-8", newline="") as f:
                        f.write(data)
                        f.flush()
                        os.fsync(f.fileno())
                    st = own(path)
                    os.chmod(tmp, stat.S_IMODE(st.st_mode) if st else 0o644)
            for path, content in steps:
                if content is None:
                    if os.path.exists(path):
                        os.remove(path)
                else:
                    os.replace(staged[path, "new"], path)
                    del staged[path, "new"]
                done.append(path)
            if os.name != "nt":
                os.fsync(fd)
        except OSError as e:
            for path in reversed(done):
                if (path, "old") in staged:
                    os.replace(staged.pop((path, "old")), path)
                elif os.path.exists(path):
                    os.remove(path)
            refuse(f"writing in {prefix} failed ({e.strerror or e}); {config} and {target} are as they were.")
        finally:
            for tmp in staged.values():
                try:
                    os.remove(tmp)
                except OSError:
                    pass
    finally:
        if os.name == "nt":
            import msvcrt
            try:
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
            except OSError:
                pass
        os.close(fd)
    if action == "protect":
        print("Protected:", " ".join(pins), "\n  pins in", target, "\n  named in", config)
    else:
        print("Unprotected: removed", target, "and its name in", config)
