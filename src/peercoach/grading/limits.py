"""Limits that hold for a kernel and everything it starts: memory (cgroup) and disk (tmpfs).

Per-process limits (``prlimit``) let a kernel hold any amount of memory through its children; a
memory cgroup caps them together. This machine kind mounts cgroup v1 controllers
(``/sys/fs/cgroup/memory``); newer systems have one cgroup v2 tree. When neither is writable the
grader says so and keeps the per-process limits only.

A kernel's folders (its working folder, ``/tmp`` and connection files) live on one tmpfs mounted
by the grader with a size and an inode limit, so learner code can fill neither the host disk nor
its inode table.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import time

CGROUP_ROOT = "/sys/fs/cgroup"
GROUP = "peercoach"
MNT_DETACH = 2


def cgroup_kind(root: str = CGROUP_ROOT) -> str:
    """``"v1"``, ``"v2"`` or ``""``: the memory cgroup this machine lets the grader create."""
    v1 = os.path.join(root, "memory")
    if os.path.isfile(os.path.join(v1, "memory.limit_in_bytes")) and os.access(v1, os.W_OK):
        return "v1"
    controllers = os.path.join(root, "cgroup.controllers")
    if os.path.isfile(controllers) and os.access(root, os.W_OK):
        with open(controllers) as handle:
            if "memory" in handle.read().split():
                return "v2"
    return ""


def memory_note(kind: str, memory_mb: int) -> str:
    """One line for the grade output saying how kernel memory is limited."""
    if kind:
        return (
            f"Memory: each kernel and all its children together are capped at {memory_mb} MiB "
            f"(cgroup {kind})."
        )
    return (
        "Memory: no writable memory cgroup (v1 or v2) on this machine; each kernel process is "
        f"limited to {memory_mb} MiB on its own, so a kernel with children can use more."
    )


class MemoryCgroup:
    """A memory cgroup for one kernel; processes join it by writing their pid to ``procs``."""

    def __init__(self, name: str, limit_bytes: int, root: str = CGROUP_ROOT):
        self.kind = cgroup_kind(root)
        self.path = ""
        if not self.kind:
            return
        base = (
            os.path.join(root, "memory", GROUP) if self.kind == "v1" else os.path.join(root, GROUP)
        )
        try:
            os.makedirs(base, exist_ok=True)
            if self.kind == "v2":
                _enable_memory(root)
                _enable_memory(base)
            path = os.path.join(base, name)
            os.makedirs(path, exist_ok=True)
            self.path = path
            for key, value in self._limits(limit_bytes):
                target = os.path.join(path, key)
                if os.path.exists(target):
                    with open(target, "w") as handle:
                        handle.write(value)
        except OSError:
            self.remove()
            self.kind, self.path = "", ""

    def _limits(self, limit_bytes: int) -> list[tuple[str, str]]:
        if self.kind == "v1":
            return [
                ("memory.limit_in_bytes", str(limit_bytes)),
                ("memory.memsw.limit_in_bytes", str(limit_bytes)),
            ]
        return [("memory.max", str(limit_bytes)), ("memory.swap.max", "0")]

    @property
    def procs(self) -> str:
        """The file a process writes its pid to, to join the group ("" without a group)."""
        return os.path.join(self.path, "cgroup.procs") if self.path else ""

    def oom_kills(self) -> int:
        """How many processes of the group the kernel killed for memory so far."""
        if not self.path:
            return 0
        name = "memory.oom_control" if self.kind == "v1" else "memory.events"
        try:
            with open(os.path.join(self.path, name)) as handle:
                for line in handle:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except (OSError, ValueError):
            pass
        return 0

    def kill_all(self) -> None:
        """Kill every process left in the group (a kernel's stray children included)."""
        if not self.path:
            return
        for _ in range(50):
            try:
                with open(self.procs) as handle:
                    pids = [int(p) for p in handle.read().split()]
            except (OSError, ValueError):
                return
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, 9)
                except OSError:
                    pass
            time.sleep(0.02)

    def remove(self) -> None:
        """Remove the group once its processes have ended (retries while they exit)."""
        if not self.path:
            return
        for _ in range(50):
            try:
                os.rmdir(self.path)
                return
            except FileNotFoundError:
                return
            except OSError:
                time.sleep(0.02)


def group_folders(root: str = CGROUP_ROOT) -> list[str]:
    """The kernel cgroups the grader made (v1 and v2), for removing those of killed runs."""
    found = []
    for base in (os.path.join(root, "memory", GROUP), os.path.join(root, GROUP)):
        if os.path.isdir(base):
            found += [e.path for e in os.scandir(base) if e.is_dir(follow_symlinks=False)]
    return found


def _enable_memory(folder: str) -> None:
    control = os.path.join(folder, "cgroup.subtree_control")
    with open(control) as handle:
        if "memory" in handle.read().split():
            return
    with open(control, "w") as handle:
        handle.write("+memory")


def join_prefix(procs: str) -> list[str]:
    """A command prefix that moves itself into a cgroup, then runs the rest of the command."""
    if not procs:
        return []
    return ["/bin/sh", "-c", 'echo $$ > "$0" && exec "$@"', procs]


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)


def mount_tmpfs(folder: str, size_bytes: int, files: int) -> bool:
    """Mount a tmpfs of ``size_bytes`` and ``files`` inodes on ``folder``; False if refused."""
    options = f"size={size_bytes},nr_inodes={files},mode=0711".encode()
    result = _libc().mount(b"tmpfs", folder.encode(), b"tmpfs", 0, options)
    return result == 0


def unmount(folder: str) -> None:
    """Detach a tmpfs mounted by :func:`mount_tmpfs` (no error when nothing is mounted)."""
    _libc().umount2(folder.encode(), MNT_DETACH)


def is_mount(folder: str) -> bool:
    """Whether ``folder`` is a mount point."""
    try:
        return os.path.ismount(folder)
    except OSError:
        return False
