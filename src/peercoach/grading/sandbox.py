"""Run each learner kernel in a bubblewrap sandbox, as an unprivileged user, with limits.

The kernel sees a fresh root file system holding only: the system directories (read-only), the
Python installation and the ``peercoach`` package (read-only), extra read-only folders from the
configuration (the course's scenarios, named to the kernel by ``PEERCOACH_SCENARIOS``), a private
copy of the data files the source notebook declares (never notebooks, so no test code, and never
modules: Python starts with a safe import path, so nothing in the folder can shadow ``peercoach``)
and a private ``/tmp``; the folder and ``/tmp`` sit on one size- and inode-limited tmpfs. Its
environment is an allow-list (no grader secrets such as ``PGPASSWORD``). It has no network (its
own network namespace; the kernel talks to the grader over Unix sockets), its own process namespace
(everything dies with the kernel), and it runs as a numbered user with no rights, with limits on
CPU time, address space, file size, open files and processes; a memory cgroup caps the kernel and
all its children together. The grader kills it when the wall-time budget is spent.

Kernels start ahead of their notebook (:class:`SpareKernel`): while one notebook runs, the next
kernel boots in an empty folder, so a worker pays the kernel's start-up only once. Each worker
alternates between two users, so the running kernel and the waiting one share nothing.
"""

from __future__ import annotations

import atexit
import errno
import fcntl
import glob
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.kernelspec import NATIVE_KERNEL_NAME
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, List, Unicode, default
from traitlets.config import Configurable

from . import limits
from .lockcode import allowed, course_dir, kernel_files

SYSTEM_DIRS = ("/usr", "/etc")
LIMIT_ERRORS = {
    "CellTimeoutError": "cell time limit reached",
    "MemoryError": "memory limit reached",
}
KERNEL_ENV = ("LANG", "LC_ALL", "TZ")
FOLDER_PREFIX = "peercoach-kernel-"
MERGED_USR_LINKS = ("bin", "sbin", "lib", "lib64", "lib32")
UNSHARE = (
    "--unshare-ipc",
    "--unshare-pid",
    "--unshare-net",
    "--unshare-uts",
    "--unshare-cgroup-try",
)


class Sandbox(Configurable):
    """Limits and visible folders for learner kernels; set them in ``nbgrader_config.py``."""

    enabled = Bool(True, help="Run learner kernels in the sandbox.").tag(config=True)
    bwrap = Unicode("/usr/bin/bwrap", help="Path of bubblewrap.").tag(config=True)
    cpu_seconds = Integer(300, help="CPU time per kernel, all cells together.").tag(config=True)
    wall_seconds = Integer(600, help="Wall time per notebook before the kernel is killed.").tag(
        config=True
    )
    memory_mb = Integer(2048, help="Address space per kernel process, in MiB.").tag(config=True)
    file_mb = Integer(64, help="Largest file the kernel may write, in MiB.").tag(config=True)
    disk_mb = Integer(
        256, help="Size of the kernel's working folder and /tmp together (a tmpfs), in MiB."
    ).tag(config=True)
    disk_files = Integer(
        4096, help="Files and folders the kernel's working folder and /tmp may hold together."
    ).tag(config=True)
    cgroup = Bool(
        True, help="Cap each kernel and its children together with a memory cgroup if possible."
    ).tag(config=True)
    total_memory_mb = Integer(
        3072, help="Memory of one kernel and all its children together (cgroup), in MiB."
    ).tag(config=True)
    processes = Integer(64, help="Processes and threads of one sandbox user.").tag(config=True)
    open_files = Integer(256, help="Open files per kernel process.").tag(config=True)
    notebook_mb = Integer(
        16, help="Largest submitted notebook the grader parses, in MiB (checked before parsing)."
    ).tag(config=True)
    output_kb = Integer(1024, help="Output the grader keeps per notebook, in KiB.").tag(config=True)
    uid_base = Integer(
        61000,
        help="A grading process holding user slot N runs kernels as users uid_base + 2N and "
        "uid_base + 2N + 1.",
    ).tag(config=True)
    user_slots = Integer(
        500, help="User slots on this machine: grading processes that may run kernels at once."
    ).tag(config=True)
    read_only_paths = List(
        Unicode(),
        help="Extra folders learner code may read; default: a 'scenarios' folder beside the "
        "course directory, if there is one.",
    ).tag(config=True)

    scenarios = Unicode(
        help="The course's scenarios folder, given to the kernel read-only as "
        "PEERCOACH_SCENARIOS; default: the first read-only folder named 'scenarios'."
    ).tag(config=True)

    @default("read_only_paths")
    def _scenarios_beside_course(self) -> list[str]:
        from peercoach.scenario import scenarios_dir

        scenarios = os.path.abspath(scenarios_dir(os.path.join(os.getcwd(), os.pardir)))
        return [scenarios] if os.path.isdir(scenarios) else []

    @default("scenarios")
    def _first_scenarios_folder(self) -> str:
        from peercoach.scenario import SCENARIOS

        for path in self.read_only_paths:
            if os.path.basename(os.path.normpath(path)) == SCENARIOS and os.path.isdir(path):
                return os.path.abspath(path)
        return ""


def python_paths() -> list[str]:
    """Folders the kernel needs to start Python and import ``peercoach``, read-only."""
    import peercoach

    paths = {sys.prefix, sys.base_prefix, str(Path(peercoach.__file__).resolve().parent)}
    return sorted(p for p in paths if not any(p.startswith(s + "/") for s in SYSTEM_DIRS))


def root_args(settings: Sandbox, binds: list[tuple[str, str, str]]) -> list[str]:
    """bubblewrap arguments that build the sandbox's file system view around ``binds``.

    ``binds`` holds (option, host path, sandbox path); their parent folders are created readable
    by all, since bubblewrap would otherwise make them private to root. A bind at ``/tmp`` comes
    first, so folders for later binds below ``/tmp`` are made inside it.
    """
    args = ["--tmpfs", "/", "--dev", "/dev", "--proc", "/proc"]
    for path in SYSTEM_DIRS:
        args += ["--ro-bind", path, path]
    for name in MERGED_USR_LINKS:
        target = os.path.join("/", name)
        if os.path.islink(target):
            args += ["--symlink", os.readlink(target), target]
        elif os.path.isdir(target):
            args += ["--ro-bind", target, target]
    early = [bind for bind in binds if bind[2] == "/tmp"]
    later = [bind for bind in binds if bind[2] != "/tmp"]
    for option, host, inside in early:
        args += [option, host, inside]
    for parent in parent_dirs([inside for _, _, inside in later]):
        args += ["--perms", "0755", "--dir", parent]
    for option, host, inside in later:
        args += [option, host, inside]
    return args


def parent_dirs(paths: list[str]) -> list[str]:
    """Every ancestor folder of ``paths`` that the sandbox must create, parents first."""
    found = set()
    for path in paths:
        parent = os.path.dirname(path)
        while parent not in ("/", "") and not parent.startswith(SYSTEM_DIRS):
            found.add(parent)
            parent = os.path.dirname(parent)
    return sorted(found, key=lambda p: (p.count("/"), p))


def read_only_binds(settings: Sandbox) -> list[tuple[str, str, str]]:
    """The Python installation, ``peercoach`` and the configured extra folders, read-only."""
    extra = [os.path.abspath(p) for p in settings.read_only_paths if os.path.exists(p)]
    if settings.scenarios and os.path.isdir(settings.scenarios):
        extra.append(os.path.abspath(settings.scenarios))
    paths = list(dict.fromkeys(python_paths() + extra))
    return [("--ro-bind", os.path.realpath(p), p) for p in paths]


def kernel_environment(settings: Sandbox) -> dict[str, str]:
    """The kernel's whole environment: an allow-list, never the grader's own variables."""
    env = {
        "PATH": os.pathsep.join(
            [os.path.join(sys.prefix, "bin"), "/usr/local/bin", "/usr/bin", "/bin"]
        ),
        "HOME": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONSAFEPATH": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "IPYTHONDIR": "/tmp/.ipython",
        "MPLCONFIGDIR": "/tmp/.matplotlib",
    }
    env.update({k: os.environ[k] for k in KERNEL_ENV if os.environ.get(k)})
    if settings.scenarios:
        env["PEERCOACH_SCENARIOS"] = os.path.abspath(settings.scenarios)
    return env


def limit_args(settings: Sandbox, uid: int) -> list[str]:
    """Commands run inside the sandbox before the kernel: drop to ``uid``, set resource limits."""
    drop = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups"]
    drop += ["--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
    mib = 1024 * 1024
    limits = [
        "prlimit",
        f"--cpu={settings.cpu_seconds}",
        f"--as={settings.memory_mb * mib}",
        f"--fsize={settings.file_mb * mib}",
        f"--nproc={settings.processes}",
        f"--nofile={settings.open_files}",
        "--core=0",
    ]
    return drop + ["--"] + limits + ["--"]


def sandbox_command(
    settings: Sandbox, uid: int, work: str, cwd: str, runtime: str, tmp: str, procs: str = ""
) -> list[str]:
    """The full command prefix: join the cgroup, bubblewrap, privilege drop and limits."""
    args = limits.join_prefix(procs)
    args += [settings.bwrap, *UNSHARE, "--die-with-parent", "--new-session"]
    binds = read_only_binds(settings) + [
        ("--bind", tmp, "/tmp"),
        ("--bind", work, cwd),
        ("--bind", runtime, runtime),
    ]
    args += root_args(settings, binds) + ["--chdir", cwd, "--clearenv"]
    for name, value in kernel_environment(settings).items():
        args += ["--setenv", name, value]
    return args + ["--"] + limit_args(settings, uid)


def private_copy(
    submission_dir: str, destination: str, uid: int, patterns: list[str] | None = None
) -> list[str]:
    """Copy the submission's files matching ``patterns`` (never notebooks), owned by ``uid``.

    ``None`` copies every file but notebooks. Symbolic links are never followed. Returns the
    relative paths copied.
    """
    os.makedirs(destination, exist_ok=True)
    os.chown(destination, uid, uid)
    copied = []
    for root, dirs, files in os.walk(submission_dir):
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(root, d)))
        for name in sorted(files):
            path = os.path.join(root, name)
            relative = os.path.relpath(path, submission_dir)
            if name.endswith(".ipynb") or os.path.islink(path) or not os.path.isfile(path):
                continue
            if patterns is not None and not allowed(relative, patterns):
                continue
            target = os.path.join(destination, relative)
            _make_parents(destination, os.path.dirname(target), uid)
            shutil.copyfile(path, target)
            os.chown(target, uid, uid)
            copied.append(relative)
    return copied


def _make_parents(top: str, folder: str, uid: int) -> None:
    missing = []
    while folder != top and not os.path.isdir(folder):
        missing.append(folder)
        folder = os.path.dirname(folder)
    for path in reversed(missing):
        os.mkdir(path)
        os.chown(path, uid, uid)


class SandboxProvisioner(LocalProvisioner):
    """jupyter_client's local provisioner, launching the kernel inside the sandbox.

    A :class:`SandboxedKernelManager` with a sandbox uses it (through jupyter_client's public
    provisioner API): the kernel's command gets the bubblewrap prefix, the connection files are
    handed to the sandbox user, and the kernel's error output goes to ``kernel.log`` beside its
    runtime folder.
    """

    async def pre_launch(self, **kwargs) -> dict:
        """The launch arguments of jupyter_client, with the command behind the sandbox prefix."""
        km = self.parent
        cwd = kwargs.get("cwd") or os.getcwd()
        kwargs = await super().pre_launch(**kwargs)
        prefix = sandbox_command(km.sandbox, km.uid, km.work, cwd, km.runtime, km.tmp, km.procs)
        kwargs["cmd"] = prefix + kwargs["cmd"]
        return kwargs

    async def launch_kernel(self, cmd: list[str], **kwargs):
        """Hand the connection files to the sandbox user and start the kernel."""
        km = self.parent
        for name in [km.runtime] + [os.path.join(km.runtime, n) for n in os.listdir(km.runtime)]:
            os.chown(name, km.uid, km.uid)
        kwargs["stdout"] = subprocess.DEVNULL
        kwargs["cwd"] = km.work
        with open(os.path.join(os.path.dirname(km.runtime), "kernel.log"), "ab") as log:
            kwargs["stderr"] = log
            return await super().launch_kernel(cmd, **kwargs)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager that starts the kernel inside the sandbox and kills it at the wall limit.

    The Execute preprocessor gives it ``sandbox`` (a :class:`Sandbox`), ``uid`` and ``work`` (the
    private copy) before the kernel starts; the kernel is then launched by a
    :class:`SandboxProvisioner`. Without ``sandbox`` it is jupyter_client's own manager.
    """

    sandbox: Sandbox | None = None
    uid: int = 0
    work: str = ""
    runtime: str = ""
    tmp: str = ""
    procs: str = ""
    on_wall_timeout = None

    async def start_kernel(self, **kw) -> None:
        """Start the kernel, in the sandbox when one is set."""
        if self.sandbox is not None and self.provisioner is None:
            self.kernel_id = self.kernel_id or str(uuid.uuid4())
            self.provisioner = SandboxProvisioner(
                kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
            )
        await super().start_kernel(**kw)

    def start_wall_clock(self) -> None:
        """Start counting the notebook's wall time; the kernel is killed when it is spent."""
        timer = threading.Timer(self.sandbox.wall_seconds, self._wall_timeout)
        timer.daemon = True
        timer.start()
        self._wall_timer = timer

    def _wall_timeout(self) -> None:
        if self.on_wall_timeout:
            self.on_wall_timeout()
        self.kill_now()

    def kill_now(self) -> None:
        """Kill the sandbox (and so every process in it) at once."""
        process = getattr(self.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()

    def stop(self) -> None:
        """Kill the sandbox, wait for it to end and remove the connection files."""
        timer = getattr(self, "_wall_timer", None)
        if timer:
            timer.cancel()
        self.kill_now()
        process = getattr(self.provisioner, "process", None)
        if process is not None:
            process.wait()
        run_sync(self.cleanup_resources)()

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        """jupyter_client's shutdown, after stopping the wall clock."""
        timer = getattr(self, "_wall_timer", None)
        if timer:
            timer.cancel()
        await super().shutdown_kernel(now=now, restart=restart)


def error_output(name: str, text: str) -> NotebookNode:
    """An error output as nbclient writes them, so nbgrader scores the cell as failed."""
    return NotebookNode(output_type="error", ename=name, evalue=text, traceback=[f"{name}: {text}"])


class SpareKernel:
    """A sandboxed kernel started before its notebook is known, so that start-up overlaps work.

    The kernel waits in an empty folder mounted at ``mount`` (where the course keeps the autograded
    submissions). :meth:`receive` copies one submission into it (without notebooks) at the path
    the notebook has outside, and the grader then moves the kernel into that folder.
    """

    def __init__(self, settings: Sandbox, config, kernel_name: str, mount: str, uid: int, args):
        self.kernel_name, self.mount, self.uid = kernel_name, mount, uid
        self.scratch = tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-")
        mib = 1024 * 1024
        self.disk_limited = limits.mount_tmpfs(
            self.scratch, settings.disk_mb * mib, settings.disk_files
        )
        os.chmod(self.scratch, 0o711)
        self.folder = os.path.join(self.scratch, "work")
        os.mkdir(self.folder)
        os.chmod(self.folder, 0o755)
        runtime = os.path.join(self.scratch, "runtime")
        os.mkdir(runtime, 0o700)
        tmp = os.path.join(self.scratch, "tmp")
        os.mkdir(tmp)
        os.chmod(tmp, 0o1777)
        name = os.path.basename(self.scratch)
        self.cgroup = (
            limits.MemoryCgroup(name, settings.total_memory_mb * mib) if settings.cgroup else None
        )
        km = SandboxedKernelManager(kernel_name=kernel_name, config=config)
        km.sandbox, km.uid, km.work, km.runtime = settings, uid, self.folder, runtime
        km.tmp, km.procs = tmp, self.cgroup.procs if self.cgroup else ""
        km.transport = "ipc"
        km.connection_file = os.path.join(runtime, "kernel.json")
        km.ip = os.path.join(runtime, "kernel-ipc")
        km.kernel_spec.interrupt_mode = "message"
        self.km = km
        try:
            run_sync(km.start_kernel)(cwd=mount, extra_arguments=list(args))
        except BaseException:
            self.retire()
            raise

    def fits(self, kernel_name: str, path: str) -> bool:
        """Whether this kernel can run a notebook of ``kernel_name`` in folder ``path``."""
        return (
            kernel_name == self.kernel_name
            and inside(path, self.mount)
            and run_sync(self.km.is_alive)()
        )

    def receive(self, path: str, patterns: list[str] | None = None) -> str:
        """Copy the files of ``path`` matching ``patterns`` in; start the wall clock.

        Returns a problem to report ("" when all went well), e.g. the disk limit was reached.
        """
        target = os.path.join(self.folder, os.path.relpath(path, self.mount))
        parent = os.path.dirname(target)
        os.makedirs(parent, exist_ok=True)
        while parent != self.folder:
            os.chmod(parent, 0o755)
            parent = os.path.dirname(parent)
        problem = ""
        try:
            private_copy(path, target, self.uid, patterns)
        except OSError as error:
            problem = f"data files do not fit the kernel's disk limit ({error.strerror}); cut"
        self.km.start_wall_clock()
        return problem

    def log_tail(self) -> str:
        """The last line the kernel wrote to its error log (for a kernel that died)."""
        try:
            with open(os.path.join(self.scratch, "kernel.log"), "rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - 2000))
                lines = handle.read().decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1][:300] if lines else ""

    def oom_kills(self) -> int:
        """Processes of this kernel killed by the memory cgroup so far."""
        return self.cgroup.oom_kills() if self.cgroup else 0

    def retire(self) -> None:
        """Kill the kernel and remove its folders, mount and cgroup."""
        try:
            self.km.stop()
        finally:
            if self.cgroup:
                self.cgroup.kill_all()
                self.cgroup.remove()
            limits.unmount(self.scratch)
            shutil.rmtree(self.scratch, ignore_errors=True)


SLOTS_FOLDER = "peercoach-user-slots"


class UserSlot:
    """A pair of sandbox users held by one grading process, machine-wide, while it runs.

    Two grading runs on one machine (two trainers, or two assignments graded at once) must never
    run kernels as the same user: the per-user process limit and signals would let one learner's
    notebook disturb another's kernel. Each slot is a lock file in the temporary folder; a process
    holds the slot while it keeps the file locked (``flock``), and the lock goes when the process
    ends, however it ends, so a killed run leaves no slot taken.
    """

    def __init__(self, number: int, handle: int):
        self.number, self._handle, self.pid = number, handle, os.getpid()

    @classmethod
    def claim(cls, preferred: int, slots: int, folder: str | None = None) -> UserSlot:
        """The first free slot from ``preferred`` on (wrapping round below ``slots``)."""
        folder = folder or os.path.join(tempfile.gettempdir(), SLOTS_FOLDER)
        os.makedirs(folder, mode=0o700, exist_ok=True)
        found = os.lstat(folder)
        if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.geteuid() or found.st_mode & 0o022:
            raise RuntimeError(
                f"{folder}: the sandbox's user-slot locks must be a folder of this user's that "
                "no one else can write to; found one that is not (remove it and grade again)"
            )
        for step in range(slots):
            number = (preferred + step) % slots
            handle = os.open(os.path.join(folder, f"{number}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as error:
                os.close(handle)
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                continue
            return cls(number, handle)
        raise RuntimeError(
            f"all {slots} sandbox user slots are taken by grading runs on this machine "
            f"(lock files in {folder}); wait for a run to finish, or raise "
            "c.Sandbox.user_slots in nbgrader_config.py"
        )

    def release(self) -> None:
        """Give the slot back (the process's own claim only; a forked copy leaves it alone)."""
        if self._handle >= 0 and self.pid == os.getpid():
            os.close(self._handle)
        self._handle = -1


class Spares:
    """The one kernel a grading worker keeps waiting, the users it runs kernels as (its
    :class:`UserSlot`), and which of the two it will run as next."""

    def __init__(self):
        self.waiting: SpareKernel | None = None
        self.turn = 0
        self.slot: UserSlot | None = None
        self._cleanup_registered = False

    def take(self, settings, config, kernel_name, mount, path, slot, args) -> SpareKernel:
        """The waiting kernel if it fits ``path``, else a new one; a next one starts at once."""
        kernel, self.waiting = self.waiting, None
        if kernel is not None and not kernel.fits(kernel_name, path):
            kernel.retire()
            kernel = None
        in_mount = inside(path, mount)
        if kernel is None:
            kernel = self.start(
                settings, config, kernel_name, mount if in_mount else path, slot, args
            )
        if in_mount:
            self.waiting = self.start(settings, config, kernel_name, mount, slot, args)
        return kernel

    def start(self, settings, config, kernel_name, mount, slot, args) -> SpareKernel:
        """Start a kernel as the user of this process's slot the last kernel did not run as.

        The slot is claimed machine-wide on the first kernel, trying worker ``slot`` first, so
        the workers of one run hold slots 0, 1, ... when nothing else is grading.
        """
        if self.slot is None or self.slot.pid != os.getpid():
            self.slot = UserSlot.claim(slot, settings.user_slots)
        uid = settings.uid_base + 2 * self.slot.number + self.turn % 2
        self.turn += 1
        if not self._cleanup_registered:
            atexit.register(self.discard)
            self._cleanup_registered = True
        return SpareKernel(settings, config, kernel_name, mount, uid, args)

    def finish(self, kernel: SpareKernel) -> None:
        """Retire a kernel whose notebook is done; with no kernel waiting for a next notebook
        (one notebook graded alone, as formgrader does), give the user slot back too, so a
        long-running server holds no slot between notebooks."""
        try:
            kernel.retire()
        finally:
            if self.waiting is None:
                self.discard()

    def discard(self) -> None:
        """Stop the kernel waiting for a next notebook and give the user slot back (at the end
        of a worker's run)."""
        kernel, self.waiting = self.waiting, None
        try:
            if kernel is not None:
                kernel.retire()
        finally:
            if self.slot is not None:
                self.slot.release()
                self.slot = None


@dataclass
class GradingRun:
    """What a grading worker shares with the sandboxed Execute steps nbgrader builds for it.

    ``spares`` keeps a kernel waiting across submissions; ``problems`` collects what the trainer
    must hear about the submission being graded. nbgrader builds its steps itself, so a step finds
    the run through its parents (nbconvert's exporter, then nbgrader's converter): see
    :func:`run_of`. A step with no run above it has a run of its own.
    """

    spares: Spares = field(default_factory=Spares)
    problems: list[str] = field(default_factory=list)


def run_of(configurable) -> GradingRun | None:
    """The :class:`GradingRun` of the nearest parent holding one as ``grading_run``."""
    node = getattr(configurable, "parent", None)
    while node is not None:
        run = getattr(node, "grading_run", None)
        if isinstance(run, GradingRun):
            return run
        node = getattr(node, "parent", None)
    return None


def inside(path: str, folder: str) -> bool:
    """Whether ``path`` lies below ``folder`` (an empty ``folder`` holds nothing)."""
    return bool(folder) and path.startswith(folder.rstrip(os.sep) + os.sep)


def remove_stale_folders() -> None:
    """Remove kernel folders (and their mounts and cgroups) left by killed grading workers."""
    pattern = os.path.join(tempfile.gettempdir(), FOLDER_PREFIX + "*-*")
    for folder in glob.glob(pattern):
        pid = os.path.basename(folder)[len(FOLDER_PREFIX) :].split("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            limits.unmount(folder)
            shutil.rmtree(folder, ignore_errors=True)
    for group in limits.group_folders():
        pid = os.path.basename(group)[len(FOLDER_PREFIX) :].split("-")[0]
        if pid.isdigit() and not _running(int(pid)):
            try:
                os.rmdir(group)
            except OSError:
                pass


def _running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


class SandboxedExecute(Execute):
    """nbgrader's Execute preprocessor with the kernel in the sandbox and an output budget.

    When the kernel dies (wall time, memory, ``os._exit``, killed), the cell and every later code
    cell get an error output, so their tests score zero; the reason goes to ``problems``.
    """

    worker_slot = Integer(0).tag(config=True)
    mount = Unicode(
        "", help="Folder holding every submission's folder; kernels can start there in advance."
    ).tag(config=True)

    def __init__(self, *args, run: GradingRun | None = None, **kwargs):
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)
        self.store_widget_state = False
        self.settings = Sandbox(parent=self)
        self.run = run or run_of(self) or GradingRun()
        self._kernel = None

    @property
    def problems(self) -> list[str]:
        """The problems of the submission being graded (the run's list)."""
        return self.run.problems

    def preprocess(self, nb, resources=None, km=None):
        """Execute the notebook in a sandboxed kernel holding a private copy of its folder."""
        self._dead = ""
        self._output_bytes = 0
        self._output_cut = False
        self._wall_hit = False
        self._oom_seen = 0
        if not self.settings.enabled:
            nb, resources = super().preprocess(nb, resources, km)
            self._keep_within_budget(nb)
            return nb, resources
        if os.geteuid() != 0:
            raise PermissionError(
                "nbgrader_config.py: c.Sandbox.enabled is True, so learner code runs as separate "
                "unprivileged users, which needs root; found a non-root process. Run the Jupyter "
                "server or 'peercoach grade' as root."
            )
        path = os.path.abspath(resources["metadata"]["path"])
        info = resources.get("nbgrader", {})
        patterns = kernel_files(
            course_dir(self), info.get("assignment", ""), info.get("notebook", ""), self.config
        )
        kernel_name = self.kernel_name or nb.metadata.get("kernelspec", {}).get("name")
        kernel = self.run.spares.take(
            self.settings,
            self.config,
            kernel_name or NATIVE_KERNEL_NAME,
            self.mount,
            path,
            self.worker_slot,
            self._kernel_arguments(),
        )
        self._folder, self._kernel = path, kernel
        try:
            problem = kernel.receive(path, patterns)
            if problem:
                self.problems.append(problem)
            kernel.km.on_wall_timeout = self._note_wall_timeout
            try:
                nb, resources = super().preprocess(nb, resources, kernel.km)
            except Exception:
                self.problems.append(f"kernel log: {kernel.log_tail() or 'empty'}")
                raise
            self._keep_within_budget(nb)
            return nb, resources
        finally:
            if self.kc is not None:
                self.kc.stop_channels()
                self.kc = None
            self._kernel = None
            self.run.spares.finish(kernel)

    def start_spare(self) -> None:
        """Start a kernel in ``mount`` ahead of the first notebook (when a worker starts)."""
        spares = self.run.spares
        if self.settings.enabled and self.mount and spares.waiting is None:
            spares.waiting = spares.start(
                self.settings,
                self.config,
                self.kernel_name or NATIVE_KERNEL_NAME,
                self.mount,
                self.worker_slot,
                self._kernel_arguments(),
            )

    def _kernel_arguments(self) -> list[str]:
        """The kernel's extra arguments, as nbclient would pass them."""
        extra = list(self.extra_arguments)
        if self.ipython_hist_file:
            extra.append(f"--HistoryManager.hist_file={self.ipython_hist_file}")
        return extra

    @contextmanager
    def setup_kernel(self, **kwargs):
        """nbclient's kernel set-up, then move the kernel into the submission's folder."""
        with super().setup_kernel(**kwargs):
            if self.settings.enabled and self.kc is not None:
                code = f"import os as _o; _o.chdir({self._folder!r}); del _o"
                reply = self.wait_for_reply(self.kc.execute(code, silent=True, store_history=False))
                if not reply or reply["content"].get("status") != "ok":
                    raise DeadKernelError("the kernel could not enter the submission folder")
            yield

    def _note_wall_timeout(self) -> None:
        self._wall_hit = True

    def preprocess_cell(self, cell, resources, index):
        """Run one cell; after the kernel has died, mark the cell failed instead."""
        if cell.cell_type != "code":
            return cell, resources
        if self._dead:
            cell.outputs = [error_output("KernelDied", self._dead)]
            return cell, resources
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
            self._note_limits(cell, index)
            return cell, resources
        except TimeoutError:
            self.km.kill_now()
            self._dead = (
                f"kernel ignored the interrupt after the cell time limit of {self.timeout} s; "
                "killed, later cells scored zero"
            )
            self.problems.append(self._dead)
            cell.outputs = list(cell.get("outputs", [])) + [error_output("KernelDied", self._dead)]
            return cell, resources
        except DeadKernelError:
            self._dead = self._death_reason()
            self.problems.append(self._dead)
            cell.outputs = list(cell.get("outputs", [])) + [error_output("KernelDied", self._dead)]
            return cell, resources

    def _note_limits(self, cell, index: int) -> None:
        """Record a cell that hit the time or memory limit (it is scored by its error already)."""
        name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
        for output in cell.get("outputs", []):
            reason = LIMIT_ERRORS.get(output.get("ename"))
            if output.get("output_type") == "error" and reason:
                self.problems.append(f"{name}: {reason}")
        if self._new_oom_kills():
            self.problems.append(f"{name}: {self._cgroup_reason()}")

    def _new_oom_kills(self) -> int:
        kills = self._kernel.oom_kills() if self._kernel is not None else 0
        new, self._oom_seen = kills - self._oom_seen, kills
        return new

    def _cgroup_reason(self) -> str:
        return (
            f"memory limit of {self.settings.total_memory_mb} MiB for the kernel and its children "
            "reached; a process was killed"
        )

    def _death_reason(self) -> str:
        if self._wall_hit:
            return f"wall time limit of {self.settings.wall_seconds} s reached; kernel killed"
        if self._new_oom_kills():
            return f"kernel died: {self._cgroup_reason()}; later cells scored zero"
        return "kernel died (out of memory, killed, or exited); later cells scored zero"

    def process_message(self, msg, cell, cell_index):
        """Count every output message whole; past the budget keep errors short, drop the rest."""
        kind = msg.get("msg_type")
        if kind not in OUTPUT_MESSAGES:
            return super().process_message(msg, cell, cell_index)
        self._output_bytes += len(json.dumps(msg.get("content", {}), default=str))
        if self._output_bytes <= self.settings.output_kb * 1024:
            return super().process_message(msg, cell, cell_index)
        self._note_output_cut()
        if kind == "error":
            msg = dict(msg, content=short_error(msg.get("content", {})))
            return super().process_message(msg, cell, cell_index)
        if not any(o.get("text") == CUT_NOTICE for o in cell.outputs):
            cell.outputs.append(cut_notice())
        return None

    def _note_output_cut(self) -> None:
        if not self._output_cut:
            self._output_cut = True
            self.problems.append(f"output limit of {self.settings.output_kb} KiB exceeded; cut")

    def _keep_within_budget(self, nb) -> None:
        """Cut what the notebook keeps (outputs, attachments, cell metadata) to the budget."""
        if keep_within_budget(nb, self.settings.output_kb * 1024):
            self._note_output_cut()


OUTPUT_MESSAGES = {"stream", "display_data", "execute_result", "error", "update_display_data"}
CUT_NOTICE = "[output cut by the grader]\n"
KEPT_METADATA = ("nbgrader", "deletable", "editable", "tags", "trusted", "execution")


def cut_notice() -> NotebookNode:
    """The stream output that stands where output was cut."""
    return NotebookNode(output_type="stream", name="stderr", text=CUT_NOTICE)


def short_error(content: dict) -> dict:
    """An error message cut to a few hundred characters; still an error, so it still scores 0."""
    name = str(content.get("ename", "Error"))[:80]
    value = str(content.get("evalue", ""))
    if len(value) > 200:
        value = value[:200] + " [cut by the grader]"
    return {"ename": name, "evalue": value, "traceback": [f"{name}: {value}"]}


def _size(value) -> int:
    return len(json.dumps(value, default=str))


def keep_within_budget(nb, limit: int) -> bool:
    """Keep at most ``limit`` bytes of outputs, attachments and extra cell metadata; True if cut.

    Error outputs past the budget are shortened, never removed, so the cell still fails.
    """
    used, cut = 0, False
    for cell in nb.cells:
        extra = {k: v for k, v in cell.get("metadata", {}).items() if k not in KEPT_METADATA}
        used += _size(extra) if extra else 0
        if used > limit:
            for key in extra:
                del cell.metadata[key]
            cut = True
        if "attachments" in cell:
            used += _size(cell.attachments)
            if used > limit:
                cell.attachments = {}
                cut = True
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            used += _size(output)
            if used <= limit:
                kept.append(output)
                continue
            cut = True
            if output.get("output_type") == "error":
                kept.append(NotebookNode(output_type="error", **short_error(output)))
            elif not kept or kept[-1].get("text") != CUT_NOTICE:
                kept.append(cut_notice())
        cell.outputs = kept
    return cut
