"""Running PostgreSQL when we are root, which it refuses: as an unprivileged system user.

The user is created once (`useradd --system`), owns the data directory, and must be able to reach it
and the server's binaries: the folders on the way get the search permission for others (x, not r)
where they lack it, and the binaries' tree gets read permission for others where it lacks it.
"""

from __future__ import annotations

import grp
import logging
import os
import pwd
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from civic311_backbone.embedded.process import EmbeddedServerError

SYSTEM_USER = "civic311pg"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SystemUser:
    name: str
    uid: int
    gid: int
    groups: frozenset[int]

    @classmethod
    def ensure(cls, name: str = SYSTEM_USER) -> SystemUser:
        """The system user `name`, created if it does not exist yet (needs root)."""
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            entry = _create(name)
        groups = frozenset(os.getgrouplist(name, entry.pw_gid))
        return cls(name=name, uid=entry.pw_uid, gid=entry.pw_gid, groups=groups)

    def can_search(self, path: Path) -> bool:
        """Whether this user may pass through the folder `path` (its x bit for them)."""
        st = path.stat()
        if st.st_uid == self.uid:
            return bool(st.st_mode & stat.S_IXUSR)
        if st.st_gid in self.groups:
            return bool(st.st_mode & stat.S_IXGRP)
        return bool(st.st_mode & stat.S_IXOTH)

    def grant_traversal(self, path: Path) -> None:
        """Let this user reach `path`: add o+x to each folder above it that stops them."""
        for folder in reversed(path.absolute().parents):
            if not self.can_search(folder):
                _log.info("letting %s pass through %s (chmod o+x)", self.name, folder)
                folder.chmod(folder.stat().st_mode | stat.S_IXOTH)

    def grant_read_tree(self, root: Path) -> None:
        """Let this user read everything under `root` and run what its owner may run."""
        self.grant_traversal(root)
        for path in (root, *root.rglob("*")):
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode):
                continue
            wanted = stat.S_IROTH
            if stat.S_ISDIR(st.st_mode) or st.st_mode & stat.S_IXUSR:
                wanted |= stat.S_IXOTH
            if st.st_mode & wanted != wanted:
                path.chmod(st.st_mode | wanted)

    def own_tree(self, root: Path) -> None:
        """Make this user the owner of `root` and everything in it."""
        for path in (root, *root.rglob("*")):
            st = path.lstat()
            if (st.st_uid, st.st_gid) != (self.uid, self.gid):
                os.lchown(path, self.uid, self.gid)


def unprivileged_user() -> SystemUser | None:
    """The user to run PostgreSQL as: None when we are not root (then it runs as us)."""
    if os.geteuid() != 0:
        return None
    return SystemUser.ensure()


def _create(name: str) -> pwd.struct_passwd:
    useradd = shutil.which("useradd")
    if useradd is None:
        raise EmbeddedServerError(
            f"running as root, PostgreSQL needs an unprivileged user {name!r}, "
            "and there is no useradd to create it: create it, or run as a normal user"
        )
    _log.info("creating system user %s to run the embedded PostgreSQL", name)
    try:
        grp.getgrnam(name)
        group_args = ["--gid", name]
    except KeyError:
        group_args = ["--user-group"]
    command = [useradd, "--system", *group_args, "--no-create-home", "--home-dir", "/nonexistent"]
    command += ["--shell", "/usr/sbin/nologin", name]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0 and done.returncode != 9:  # 9: created meanwhile by another process
        raise EmbeddedServerError(f"could not create user {name!r}: {done.stderr.strip()}")
    return pwd.getpwnam(name)
