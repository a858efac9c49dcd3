"""The sandbox's parts, run directly (no kernel): limits, user, view, serialised writes."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from grading_course import hold_gradebook
from traitlets.config import Config

from peercoach.grading import gradebook, limits
from peercoach.grading.sandbox import Sandbox, private_copy, sandbox_command

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    shutil.which("bwrap") is None or os.geteuid() != 0,
    reason="needs bubblewrap (apt-get install -y bubblewrap) and root",
)


def run_in_sandbox(
    tmp_path, code: str, patterns=("*.json",), **settings
) -> subprocess.CompletedProcess:
    """Run ``python -c code`` through the same command prefix learner kernels get."""
    config = Config()
    for name, value in settings.items():
        setattr(config.Sandbox, name, value)
    settings = Sandbox(config=config)
    (tmp_path / "submission").mkdir(exist_ok=True)
    (tmp_path / "submission" / "roleplay-demo.json").write_text("{}")
    (tmp_path / "submission" / "answers.ipynb").write_text("{}")
    (tmp_path / "submission" / "peercoach.py").write_text("FAKE = True")
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    assert limits.mount_tmpfs(str(scratch), settings.disk_mb * 2**20, settings.disk_files)
    try:
        work, runtime, tmp = scratch / "work", scratch / "runtime", scratch / "tmp"
        private_copy(str(tmp_path / "submission"), str(work), settings.uid_base, patterns)
        runtime.mkdir()
        tmp.mkdir(mode=0o1777)
        tmp.chmod(0o1777)
        cwd = str(tmp_path / "submission")
        group = limits.MemoryCgroup(scratch.name, settings.total_memory_mb * 2**20)
        prefix = sandbox_command(
            settings, settings.uid_base, str(work), cwd, str(runtime), str(tmp), group.procs
        )
        done = subprocess.run(
            prefix + [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
        )
        done.oom_kills = group.oom_kills()
        group.kill_all()
        group.remove()
        return done
    finally:
        limits.unmount(str(scratch))


def test_runs_as_unprivileged_user_in_private_copy(tmp_path):
    """Learner code runs as the worker's uid, in a copy without notebooks, and sees no repo."""
    done = run_in_sandbox(
        tmp_path,
        "import os; print(os.getuid(), sorted(os.listdir('.')), "
        f"os.path.exists({str(tmp_path / 'submission' / 'answers.ipynb')!r}), "
        f"os.path.exists('/root/.ssh'), os.path.exists({str(REPO / 'exercises')!r}))",
    )
    assert (REPO / "exercises").is_dir()
    assert done.stdout.split() == ["61000", "['roleplay-demo.json']", "False", "False", "False"], (
        done.stderr
    )


def test_cpu_time_limit_kills_busy_loop(tmp_path):
    """A busy loop is stopped by the CPU-time limit, not allowed to run on."""
    began = time.monotonic()
    done = run_in_sandbox(tmp_path, "while True: pass", cpu_seconds=1)
    assert done.returncode != 0
    assert time.monotonic() - began < 20


def test_file_size_and_disk_limits(tmp_path):
    """Writing past the file-size limit fails; the folder and /tmp share one byte limit."""
    code = (
        "import errno\n"
        "def fill(path, mib):\n"
        "    try:\n"
        "        with open(path, 'wb') as f:\n"
        "            for _ in range(mib): f.write(b'x' * 2**20)\n"
        "        return 'wrote'\n"
        "    except OSError as e:\n"
        "        return errno.errorcode[e.errno]\n"
        "import signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "print(fill('big', 4), fill('/tmp/a', 1), fill('c', 1), fill('/tmp/d', 2))"
    )
    done = run_in_sandbox(tmp_path, code, file_mb=2, disk_mb=5)
    assert done.stdout.split() == ["EFBIG", "wrote", "wrote", "ENOSPC"], done.stderr


def test_file_count_limit_covers_folder_and_tmp(tmp_path):
    """The working folder and /tmp share one inode limit: thousands of files are refused."""
    code = (
        "import errno, os\ncount = 0\ntry:\n    for n in range(60000):\n"
        "        open(('/tmp/' if n % 2 else '') + f'f{n}', 'w').close()\n        count += 1\n"
        "except OSError as e:\n    print(errno.errorcode[e.errno], count)"
    )
    done = run_in_sandbox(tmp_path, code, disk_files=500)
    word, count = done.stdout.split()
    assert word == "ENOSPC" and int(count) < 500, done.stderr


def test_environment_is_an_allow_list(tmp_path, monkeypatch):
    """Grader secrets stay outside: the kernel sees only the allow-listed variables."""
    monkeypatch.setenv("PGPASSWORD", "s3cret")
    done = run_in_sandbox(tmp_path, "import os; print(sorted(os.environ))")
    names = eval(done.stdout)
    assert "PGPASSWORD" not in names, names
    assert {"PATH", "HOME", "LANG", "PYTHONSAFEPATH"} <= set(names), names


def test_safe_import_path_and_declared_files_only(tmp_path):
    """A module in the submission folder is neither copied nor importable; data files are."""
    done = run_in_sandbox(
        tmp_path,
        "import os, sys, peercoach; print(sorted(os.listdir('.')), hasattr(peercoach, 'FAKE'),"
        " sys.flags.safe_path)",
        patterns=["*.json"],
    )
    assert done.stdout.split() == ["['roleplay-demo.json']", "False", "True"], done.stderr
    anyway = run_in_sandbox(
        tmp_path, "import peercoach; print(hasattr(peercoach, 'FAKE'))", patterns=["*"]
    )
    assert anyway.stdout.strip() == "False", anyway.stderr


def test_no_network_interfaces(tmp_path):
    """Only the loopback interface exists inside the sandbox."""
    done = run_in_sandbox(
        tmp_path, "import socket; print(sorted(n for _, n in socket.if_nameindex()))"
    )
    assert done.stdout.strip() == "['lo']", done.stderr


def test_gradebook_openings_are_serialised_across_processes(tmp_path):
    """Two processes holding an nbgrader Gradebook never overlap on SQLite."""
    from nbgrader.api import Gradebook

    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    gradebook.ensure_bin_on_path()
    Gradebook(db_url, "c").close()
    context = multiprocessing.get_context("fork")
    log = context.Queue()
    workers = [
        context.Process(target=hold_gradebook, args=(db_url, "c", 0.5, log)) for _ in range(3)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    events = sorted((log.get(timeout=5) for _ in range(6)), key=lambda e: e[1])
    assert [kind for kind, _ in events] == ["open", "close"] * 3


@pytest.mark.skipif(not limits.cgroup_kind(), reason="no writable memory cgroup")
def test_children_share_one_memory_cap(tmp_path):
    """Three children of 300 MiB each fit the per-process limit but not the 512 MiB cgroup."""
    code = (
        "import os, time\npids = []\nfor _ in range(3):\n    pid = os.fork()\n"
        "    if pid == 0:\n        block = b'x' * (300 * 2**20)\n        time.sleep(2)\n"
        "        os._exit(0)\n    pids.append(pid)\n"
        "print(sorted(os.waitpid(p, 0)[1] for p in pids))"
    )
    done = run_in_sandbox(tmp_path, code, memory_mb=1024, total_memory_mb=512)
    statuses = eval(done.stdout)
    assert 9 in statuses and 0 in statuses, (done.stdout, done.stderr)
    assert done.oom_kills >= 1


def test_grading_processes_never_share_a_sandbox_user(tmp_path):
    """Each grading process holds a user slot of its own machine-wide: a second claim takes the
    next free slot, a full machine is refused with the setting to raise, and a slot comes back
    when its holder releases it or dies (however it dies)."""
    from peercoach.grading.sandbox import UserSlot

    folder = str(tmp_path / "slots")
    first, second = UserSlot.claim(0, 3, folder), UserSlot.claim(0, 3, folder)
    assert (first.number, second.number) == (0, 1)
    assert UserSlot.claim(2, 3, folder).number == 2
    with pytest.raises(RuntimeError, match="all 3 sandbox user slots.*c.Sandbox.user_slots"):
        UserSlot.claim(0, 3, folder)
    first.release()
    assert UserSlot.claim(1, 3, folder).number == 0

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom peercoach.grading.sandbox import UserSlot\n"
            f"UserSlot.claim(0, 8, {folder + '-2'!r}); print('held', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        assert UserSlot.claim(0, 8, folder + "-2").number == 1
        holder.kill()
        holder.wait(timeout=10)
        assert UserSlot.claim(0, 8, folder + "-2").number == 0
    finally:
        holder.kill()


def test_a_slot_folder_others_can_write_to_is_refused(tmp_path):
    """Lock files in a folder anyone could write to could be taken by anyone: refused, named."""
    from peercoach.grading.sandbox import UserSlot

    folder = tmp_path / "slots"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    with pytest.raises(RuntimeError, match="slots: the sandbox's user-slot locks must be"):
        UserSlot.claim(0, 2, str(folder))


def test_spares_of_two_processes_run_kernels_as_different_users(tmp_path, monkeypatch):
    """Two grading processes whose workers both count themselves worker 0 start their kernels
    as different users (the slot decides the user, not the worker's number)."""
    from peercoach.grading import sandbox

    monkeypatch.setattr(sandbox.tempfile, "gettempdir", lambda: str(tmp_path))
    started = []
    monkeypatch.setattr(sandbox, "SpareKernel", lambda *args: started.append(args[4]))
    settings = Sandbox()
    here = sandbox.Spares()
    here.start(settings, None, "python3", "", 0, [])
    here.start(settings, None, "python3", "", 0, [])
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import tempfile, sys\n"
            f"tempfile.tempdir = {str(tmp_path)!r}\n"
            "from peercoach.grading import sandbox\n"
            "sandbox.SpareKernel = lambda *a: print(a[4])\n"
            "sandbox.Spares().start(sandbox.Sandbox(), None, 'python3', '', 0, [])",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 0, child.stderr
    base = settings.uid_base
    assert started == [base, base + 1]
    assert int(child.stdout) == base + 2
    here.discard()
    assert here.slot is None


def test_a_notebook_graded_alone_gives_its_user_slot_back(tmp_path, monkeypatch):
    """With no kernel waiting for a next notebook (formgrader grades one at a time), the slot
    goes back when the notebook is done, so a long-running server never runs out of slots; a
    worker with a kernel waiting keeps its slot."""
    from peercoach.grading import sandbox

    monkeypatch.setattr(sandbox.tempfile, "gettempdir", lambda: str(tmp_path))

    class Kernel:
        def __init__(self, *args):
            self.uid, self.retired = args[4], False

        def retire(self):
            self.retired = True

    monkeypatch.setattr(sandbox, "SpareKernel", Kernel)
    settings = Sandbox(user_slots=2)
    for _ in range(5):
        alone = sandbox.Spares()
        kernel = alone.start(settings, None, "python3", "", 0, [])
        alone.finish(kernel)
        assert kernel.retired and alone.slot is None
    worker = sandbox.Spares()
    kernel = worker.start(settings, None, "python3", "", 0, [])
    worker.waiting = worker.start(settings, None, "python3", "", 0, [])
    worker.finish(kernel)
    assert worker.slot is not None and worker.slot.number == 0
    assert sandbox.UserSlot.claim(0, 2, str(tmp_path / sandbox.SLOTS_FOLDER)).number == 1
