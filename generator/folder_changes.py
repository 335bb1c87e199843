"""Folders followed by `atlas build --watch` between its builds (issue 11, target 2): the docs folder and the
sheets folder.

A whole build looks at every file it would leave in place in the docs folder (36,500 on the France tree,
0.15 s after one hub edit) to catch a file edited by hand since the last build wrote it, and walks the sheets
folder and looks at each sheet (5,400, 0.1 s) to find those added, removed or saved. The watch learns that
from the kernel instead: `FolderChanges` holds an inotify watch on each folder of a followed folder, and at
each build it reads what the kernel queued since, all of it (the kernel queues an event within the write that
causes it, so nothing done before the read is missed). The files it names are looked at; the others are taken
as the last build left them (`outputs.LeftAsWritten`, `sheets.Tree.again`). Anything it cannot account for
file by file (a folder removed or moved, the kernel's queue full, a watch refused) makes the next build look
at every file, as without it, and the watch follows the folder anew. Linux only (inotify); elsewhere the
builds look at every file.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import os
import struct
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from generator.outputs import TMP_SUFFIX, LeftAsWritten, lstat_all

# <sys/inotify.h>
IN_MODIFY, IN_ATTRIB, IN_CLOSE_WRITE = 0x2, 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF, IN_UNMOUNT, IN_Q_OVERFLOW, IN_IGNORED = 0x400, 0x800, 0x2000, 0x4000, 0x8000
IN_ONLYDIR, IN_DONT_FOLLOW, IN_ISDIR = 0x01000000, 0x02000000, 0x40000000
IN_NONBLOCK, IN_CLOEXEC = 0o4000, 0o2000000
MASK = (IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
        | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW)
# what a file's own event cannot tell: which of a folder's files went with it, or what the kernel dropped
LOST = IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT | IN_Q_OVERFLOW | IN_IGNORED
_EVENT = struct.Struct("iIII")  # wd, mask, cookie, len (then the name, NUL-padded)


def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        libc.inotify_init1  # noqa: B018 (a C library without inotify: none)
    except (OSError, AttributeError):
        return None
    return libc


class FolderChanges:
    """The files of one folder touched since the last build looked at them (see the module's docstring)."""

    def __init__(self, folder: Path, libc: ctypes.CDLL, fd: int) -> None:
        self.root = os.path.abspath(folder)
        self._libc, self._fd = libc, fd
        self._folders: dict[int, str] = {}  # watch descriptor -> its folder's path in the followed one ("" its root)
        self.touched: set[str] = set()  # paths (POSIX, relative) touched since the last build looked
        self.states: Mapping[str, Sequence[int]] = {}  # each file as the last build left or found it
        self.lost = False  # something happened that no file's event accounts for: every file looked at
        self.refused = 0  # the error of a watch the kernel refused for want of watches (ENOSPC), else 0

    @classmethod
    def follow(cls, folder: Path, states: Mapping[str, Sequence[int]]) -> FolderChanges | None:
        """Follow `folder`, whose files (paths relative to it) the last build left or found as `states` say
        (size, mtime_ns): every folder watched, then every file of `states` looked at once (one changed before
        its folder was watched is touched). None where the kernel cannot follow it (not Linux, no inotify).
        OSError (ENOSPC, EMFILE) when the user's inotify watches or instances are all in use: the caller says
        so, and looks at every file."""
        libc = _libc()
        if libc is None or not os.path.isdir(folder):
            return None
        fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        if fd < 0:
            code = ctypes.get_errno()
            if code == errno.EMFILE:
                raise OSError(code, os.strerror(code))
            return None
        follower = cls(folder, libc, fd)
        if not follower._watch_tree(""):
            follower.close()
            if follower.refused:
                raise OSError(follower.refused, os.strerror(follower.refused))
            return None
        follower.states = states
        base = os.path.join(follower.root, "")
        for path, status in lstat_all(base, list(follower.states)).items():
            state = follower.states[path]
            if status is None or (status.st_size, status.st_mtime_ns) != (state[0], state[1]):
                follower.touched.add(path)
        return follower

    def _watch_tree(self, folder: str, touch: bool = False) -> bool:
        """A watch on `folder` and each folder under it, their files `touch`ed (a new folder's: one made before its
        watch told nothing); False when the kernel refuses one (watches all in use)."""
        for top, dirnames, files in os.walk(os.path.join(self.root, folder) if folder else self.root):
            dirnames.sort()
            wd = self._libc.inotify_add_watch(self._fd, os.fsencode(top), MASK)
            if wd < 0:
                code = ctypes.get_errno()
                if code == errno.ENOSPC:  # the user's watches all in use: told by the watch (`refused`)
                    self.refused = code
                return code in (errno.ENOENT, errno.ENOTDIR)  # gone meanwhile: its removal is told
            relative = os.path.relpath(top, self.root)
            relative = self._folders[wd] = "" if relative == "." else relative.replace(os.sep, "/")
            if touch:
                self.touched.update(f"{relative}/{file}" if relative else file for file in files)
        return True

    def changes(self) -> frozenset[str] | None:
        """The paths touched since the last `forget` (the kernel's queue read first, whole), or None when every
        file must be looked at."""
        self._read_events()
        return None if self.lost else frozenset(self.touched)

    def left(self) -> LeftAsWritten | None:
        """What the next write into the followed docs folder may take without looking, or None when every file
        must be looked at."""
        touched = self.changes()
        return None if touched is None else LeftAsWritten(self.states, touched)

    def forget(self, states: Mapping[str, Sequence[int]] | None = None) -> None:
        """The touched files were looked at (a whole write ended: its files' `states`, every file of its manifest,
        are the new reference). The events of the build's own writes, still queued, make those files looked at
        by the next build, which finds them as written."""
        if states is not None:
            self.states = states  # the write's own record, which no one changes (36,500 entries: not copied)
        self.touched.clear()

    def _read_events(self) -> None:
        while not self.lost:
            try:
                data = os.read(self._fd, 1 << 16)
            except BlockingIOError:
                return
            except OSError:
                self.lost = True
                return
            self._take(data)

    def _take(self, data: bytes) -> None:
        """The events of one read: each file named is touched; a folder created is watched, with its files."""
        offset = 0
        while offset + _EVENT.size <= len(data):
            wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
            name = os.fsdecode(data[offset + _EVENT.size:offset + _EVENT.size + length].rstrip(b"\0"))
            offset += _EVENT.size + length
            folder = self._folders.get(wd)
            if mask & LOST or folder is None:
                self.lost = True
                return
            path = f"{folder}/{name}" if folder else name
            if not mask & IN_ISDIR:
                if not name.endswith(TMP_SUFFIX):  # a writer's temporary file, never an output
                    self.touched.add(path)
            elif mask & (IN_CREATE | IN_MOVED_TO):  # a new folder, and its files
                self.touched.add(path)
                if not self._watch_tree(path, touch=True):
                    self.lost = True
                    return
            elif mask & (IN_DELETE | IN_MOVED_FROM):
                self.lost = True  # a folder gone with its files, which no event names
                return

    def close(self) -> None:
        """Stop following (the watches go with the descriptor)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
