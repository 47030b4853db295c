//! The forgetting model behind forgetfs, usable without FUSE (the unit tests drive it directly).
//!
//! A tree of files and directories is mirrored name for name onto a backing directory: every
//! operation is carried out there at once, so the backing directory always shows what a program
//! sees. Beside it the model keeps what a power cut would take back:
//!
//! - per file, the durable size and the durable bytes of every page changed since its last
//!   fsync (`data.rs`);
//! - per directory, its entries as of its last fsync and the entry changes made since, in order
//!   (creates, renames, unlinks of its names).
//!
//! A file or directory unlinked (or replaced by a rename) while a durable entry still names it is
//! moved to a hidden attic in the backing directory instead of being deleted, so that a cut can
//! put it back. `cut.rs` applies a power cut; afterwards the model is dead and every operation
//! fails with EIO, as on a machine without power, until the filesystem is mounted again.
//!
//! Every operation that creates, removes, renames, resizes or syncs is a *step*, counted by kind;
//! a trigger can cut the power just before the Nth step of a kind (or of any kind).

pub mod control;
pub mod cut;
pub mod data;
pub mod fuse;

use std::collections::{BTreeMap, HashMap};
use std::ffi::{OsStr, OsString};
use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::fd::AsRawFd;
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use cut::{CutMode, CutReport};
use data::FileData;

/// The inode number of the root directory (FUSE's).
pub const ROOT: u64 = 1;
/// Where unlinked but possibly resurrected objects wait, inside the backing directory. Hidden
/// from the mounted tree.
pub const ATTIC: &str = ".forgetfs-attic";

/// The kinds of operation counted (and a trigger can stop at). `Write` is counted but is not a
/// step: its number depends on the kernel's writeback, not only on the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Create,
    Mkdir,
    Write,
    SetSize,
    Fallocate,
    Fsync,
    Fsyncdir,
    Rename,
    Unlink,
    Rmdir,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Create,
        Kind::Mkdir,
        Kind::Write,
        Kind::SetSize,
        Kind::Fallocate,
        Kind::Fsync,
        Kind::Fsyncdir,
        Kind::Rename,
        Kind::Unlink,
        Kind::Rmdir,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Create => "create",
            Kind::Mkdir => "mkdir",
            Kind::Write => "write",
            Kind::SetSize => "setsize",
            Kind::Fallocate => "fallocate",
            Kind::Fsync => "fsync",
            Kind::Fsyncdir => "fsyncdir",
            Kind::Rename => "rename",
            Kind::Unlink => "unlink",
            Kind::Rmdir => "rmdir",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// When a trigger cuts the power: before the `n`th operation of `kind`, before the `n`th step
/// of any kind when `kind` is `None`, or, with `path`, before the `n`th operation of `kind` on
/// that path (counting from 1). The last form names a step independently of how the program's
/// threads interleave their other steps.
#[derive(Clone, Debug)]
pub struct Trigger {
    pub kind: Option<Kind>,
    pub path: Option<String>,
    pub n: u64,
    pub mode: CutMode,
}

impl Trigger {
    /// Parses `KIND:N`, `step:N` or `KIND@PATH:N` (PATH as `trace` prints it, empty for the root).
    pub fn parse(spec: &str, mode: CutMode) -> Option<Trigger> {
        let (what, n) = spec.rsplit_once(':')?;
        let n = n.parse().ok().filter(|&n| n > 0)?;
        let (kind, path) = match what.split_once('@') {
            // An empty path is the root directory.
            Some((kind, path)) => (Some(Kind::parse(kind).filter(|&k| k != Kind::Write)?), Some(path)),
            None if what == "step" => (None, None),
            None => (Some(Kind::parse(what)?), None),
        };
        Some(Trigger { kind, path: path.map(str::to_string), n, mode })
    }

    fn describe(&self) -> String {
        let kind = self.kind.map_or("step", Kind::name);
        match &self.path {
            Some(p) => format!("{kind}@{p}:{}", self.n),
            None => format!("{kind}:{}", self.n),
        }
    }
}

/// One recorded step: its number, kind and the path it acted on (relative to the root).
#[derive(Clone, Debug)]
pub struct Step {
    pub n: u64,
    pub kind: Kind,
    pub path: String,
}

/// Where an object is now.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Loc {
    Root,
    Named {
        parent: u64,
        name: OsString,
    },
    /// In the attic under its inode number.
    Attic,
    /// Deleted for good (no durable entry and no pending change names it).
    Gone,
}

/// A change to a directory's entries since its last fsync.
#[derive(Clone, Debug)]
enum DirOp {
    /// `name` now names `ino`; with `from`, a rename inside this directory that also removed
    /// `from` (one change, so a cut never splits it).
    Set {
        from: Option<OsString>,
        name: OsString,
        ino: u64,
    },
    Remove(OsString),
}

#[derive(Debug)]
struct Node {
    dir: bool,
    loc: Loc,
    /// How many durable directory entries name this object.
    durable_links: u32,
    /// The backing file, opened read-write on first use (files only).
    file: Option<Arc<File>>,
    data: FileData,
    /// Current entries (directories only).
    entries: BTreeMap<OsString, u64>,
    /// Entries as of the last fsync of this directory.
    durable: BTreeMap<OsString, u64>,
    /// Entry changes since then, in order.
    pending: Vec<DirOp>,
}

impl Node {
    fn new(dir: bool, loc: Loc, data: FileData) -> Node {
        Node {
            dir,
            loc,
            durable_links: 0,
            file: None,
            data,
            entries: BTreeMap::new(),
            durable: BTreeMap::new(),
            pending: Vec::new(),
        }
    }
}

/// Why the model refuses to work.
#[derive(Clone, Debug)]
pub struct Dead {
    /// "cut by command" or "cut before fsync:3", and what the cut did.
    pub reason: String,
    /// CLOCK_MONOTONIC nanoseconds at the cut.
    pub at_ns: u64,
}

pub struct Forget {
    root: PathBuf,
    attic: PathBuf,
    /// Index = inode number; 0 is unused.
    nodes: Vec<Node>,
    counts: HashMap<Kind, u64>,
    steps: u64,
    trace: Vec<Step>,
    trigger: Option<Trigger>,
    /// The most recent write not yet covered by an fsync of its file: (inode, offset, bytes).
    last_write: Option<(u64, u64, Vec<u8>)>,
    dead: Option<Dead>,
}

fn err(code: i32) -> io::Error {
    io::Error::from_raw_os_error(code)
}

/// CLOCK_MONOTONIC in nanoseconds: the same clock in every process on the machine, so the
/// harness can compare its times with the writer's and the filesystem's.
pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes into the timespec we pass and reads nothing else.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

impl Forget {
    /// Takes over `root`: everything in it now counts as durable (as after a boot).
    pub fn open(root: &Path) -> io::Result<Forget> {
        let root = root.canonicalize()?;
        let attic = root.join(ATTIC);
        // Left by a filesystem process that died: nothing in it is named by anything.
        if attic.exists() {
            fs::remove_dir_all(&attic)?;
        }
        fs::create_dir(&attic)?;
        let mut f = Forget {
            root: root.clone(),
            attic,
            nodes: vec![Node::new(true, Loc::Gone, FileData::default())],
            counts: HashMap::new(),
            steps: 0,
            trace: Vec::new(),
            trigger: None,
            last_write: None,
            dead: None,
        };
        f.nodes.push(Node::new(true, Loc::Root, FileData::default()));
        f.scan(ROOT, &root)?;
        Ok(f)
    }

    fn scan(&mut self, dir: u64, path: &Path) -> io::Result<()> {
        let mut names: Vec<(OsString, fs::FileType)> = Vec::new();
        for e in fs::read_dir(path)? {
            let e = e?;
            if dir == ROOT && e.file_name() == ATTIC {
                continue;
            }
            names.push((e.file_name(), e.file_type()?));
        }
        names.sort_by(|a, b| a.0.cmp(&b.0));
        for (name, ty) in names {
            let child_path = path.join(&name);
            let size = if ty.is_dir() { 0 } else { fs::symlink_metadata(&child_path)?.len() };
            let ino = self.nodes.len() as u64;
            let loc = Loc::Named { parent: dir, name: name.clone() };
            let mut node = Node::new(ty.is_dir(), loc, FileData::durable(size));
            node.durable_links = 1;
            self.nodes.push(node);
            self.nodes[dir as usize].entries.insert(name.clone(), ino);
            self.nodes[dir as usize].durable.insert(name, ino);
            if ty.is_dir() {
                self.scan(ino, &child_path)?;
            }
        }
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn dead(&self) -> Option<&Dead> {
        self.dead.as_ref()
    }

    pub fn arm(&mut self, trigger: Trigger) {
        self.trigger = Some(trigger);
    }

    pub fn counts(&self) -> Vec<(Kind, u64)> {
        Kind::ALL.iter().map(|&k| (k, self.counts.get(&k).copied().unwrap_or(0))).collect()
    }

    pub fn steps(&self) -> u64 {
        self.steps
    }

    pub fn trace(&self) -> &[Step] {
        &self.trace
    }

    fn node(&self, ino: u64) -> io::Result<&Node> {
        match self.nodes.get(ino as usize) {
            Some(n) if ino != 0 && n.loc != Loc::Gone => Ok(n),
            // A file deleted for good can still be open: it answers through its descriptor.
            Some(n) if ino != 0 && n.file.is_some() => Ok(n),
            _ => Err(err(libc::ENOENT)),
        }
    }

    /// The object's path in the backing directory now.
    pub fn path(&self, ino: u64) -> PathBuf {
        match &self.nodes[ino as usize].loc {
            Loc::Root => self.root.clone(),
            Loc::Named { parent, name } => self.path(*parent).join(name),
            Loc::Attic | Loc::Gone => self.attic.join(ino.to_string()),
        }
    }

    fn rel(&self, ino: u64) -> String {
        let p = self.path(ino);
        p.strip_prefix(&self.root).unwrap_or(&p).to_string_lossy().into_owned()
    }

    fn rel_name(&self, parent: u64, name: &OsStr) -> String {
        let p = self.path(parent).join(name);
        p.strip_prefix(&self.root).unwrap_or(&p).to_string_lossy().into_owned()
    }

    /// Counts an operation and cuts the power first if the trigger says so. Every operation
    /// that changes or syncs anything calls this before doing it.
    fn begin(&mut self, kind: Kind, path: impl FnOnce(&Forget) -> String) -> io::Result<()> {
        if self.dead.is_some() {
            return Err(err(libc::EIO));
        }
        let count = {
            let c = self.counts.entry(kind).or_insert(0);
            *c += 1;
            *c
        };
        let mut on_path = 0;
        if kind != Kind::Write {
            self.steps += 1;
            let path = path(self);
            if self.trigger.as_ref().and_then(|t| t.path.as_ref()).is_some_and(|p| *p == path) {
                on_path = 1 + self.trace.iter().filter(|s| s.kind == kind && s.path == path).count() as u64;
            }
            self.trace.push(Step { n: self.steps, kind, path });
        }
        let fire = match &self.trigger {
            Some(Trigger { kind: Some(k), path: Some(_), n, .. }) => *k == kind && on_path == *n,
            Some(Trigger { kind: Some(k), path: None, n, .. }) => *k == kind && *n == count,
            Some(Trigger { kind: None, n, .. }) => kind != Kind::Write && *n == self.steps,
            None => false,
        };
        if fire {
            let t = self.trigger.take().expect("armed");
            let what = format!("cut before {}", t.describe());
            // The cut's own failure is reported in the reason: the model is dead either way.
            if let Err(e) = self.cut(t.mode, &what) {
                if let Some(d) = self.dead.as_mut() {
                    d.reason.push_str(&format!(" (the cut failed: {e})"));
                }
            }
            return Err(err(libc::EIO));
        }
        Ok(())
    }

    /// Fails with EIO once the power is off (reads too).
    fn alive(&self) -> io::Result<()> {
        if self.dead.is_some() {
            Err(err(libc::EIO))
        } else {
            Ok(())
        }
    }

    pub fn lookup(&self, parent: u64, name: &OsStr) -> io::Result<u64> {
        self.alive()?;
        let p = self.node(parent)?;
        if !p.dir {
            return Err(err(libc::ENOTDIR));
        }
        p.entries.get(name).copied().ok_or_else(|| err(libc::ENOENT))
    }

    pub fn is_dir(&self, ino: u64) -> io::Result<bool> {
        Ok(self.node(ino)?.dir)
    }

    /// The current entries of a directory, in name order.
    pub fn entries(&self, dir: u64) -> io::Result<Vec<(OsString, u64, bool)>> {
        self.alive()?;
        let d = self.node(dir)?;
        if !d.dir {
            return Err(err(libc::ENOTDIR));
        }
        Ok(d.entries.iter().map(|(n, &i)| (n.clone(), i, self.nodes[i as usize].dir)).collect())
    }

    /// The parent of a directory (itself for the root).
    pub fn parent(&self, dir: u64) -> u64 {
        match &self.nodes[dir as usize].loc {
            Loc::Named { parent, .. } => *parent,
            _ => dir,
        }
    }

    pub fn metadata(&mut self, ino: u64) -> io::Result<fs::Metadata> {
        self.alive()?;
        if self.node(ino)?.dir {
            return fs::symlink_metadata(self.path(ino));
        }
        self.file(ino)?.metadata()
    }

    /// The backing file of a file, opened read-write once and kept (it works across renames).
    pub fn file(&mut self, ino: u64) -> io::Result<Arc<File>> {
        let node = self.node(ino)?;
        if node.dir {
            return Err(err(libc::EISDIR));
        }
        if let Some(f) = &node.file {
            return Ok(f.clone());
        }
        let f = Arc::new(OpenOptions::new().read(true).write(true).open(self.path(ino))?);
        self.nodes[ino as usize].file = Some(f.clone());
        Ok(f)
    }

    fn add_node(&mut self, dir: bool, parent: u64, name: &OsStr) -> u64 {
        let ino = self.nodes.len() as u64;
        let loc = Loc::Named { parent, name: name.to_os_string() };
        // A new object has no durable content: a cut before its fsync leaves it empty.
        self.nodes.push(Node::new(dir, loc, FileData::durable(0)));
        let p = &mut self.nodes[parent as usize];
        p.entries.insert(name.to_os_string(), ino);
        p.pending.push(DirOp::Set { from: None, name: name.to_os_string(), ino });
        ino
    }

    fn check_new_name(&self, parent: u64, name: &OsStr) -> io::Result<()> {
        let p = self.node(parent)?;
        if !p.dir {
            return Err(err(libc::ENOTDIR));
        }
        if parent == ROOT && name == ATTIC {
            return Err(err(libc::EPERM));
        }
        Ok(())
    }

    /// Creates (or, without `O_EXCL`, opens) a file. Returns its inode number.
    pub fn create(&mut self, parent: u64, name: &OsStr, mode: u32, flags: i32) -> io::Result<u64> {
        self.check_new_name(parent, name)?;
        if let Some(&ino) = self.nodes[parent as usize].entries.get(name) {
            self.alive()?;
            if flags & libc::O_EXCL != 0 {
                return Err(err(libc::EEXIST));
            }
            if flags & libc::O_TRUNC != 0 {
                self.set_size(ino, 0)?;
            }
            return Ok(ino);
        }
        self.begin(Kind::Create, |f| f.rel_name(parent, name))?;
        let path = self.path(parent).join(name);
        let file = OpenOptions::new().read(true).write(true).create_new(true).mode(mode & 0o7777).open(&path)?;
        let ino = self.add_node(false, parent, name);
        self.nodes[ino as usize].file = Some(Arc::new(file));
        Ok(ino)
    }

    pub fn mkdir(&mut self, parent: u64, name: &OsStr, mode: u32) -> io::Result<u64> {
        self.check_new_name(parent, name)?;
        if self.nodes[parent as usize].entries.contains_key(name) {
            self.alive()?;
            return Err(err(libc::EEXIST));
        }
        self.begin(Kind::Mkdir, |f| f.rel_name(parent, name))?;
        let path = self.path(parent).join(name);
        fs::DirBuilder::new().mode(mode & 0o7777).create(&path)?;
        Ok(self.add_node(true, parent, name))
    }

    /// Is `ino` named by a durable entry or by a change a cut could keep?
    fn may_come_back(&self, ino: u64) -> bool {
        self.nodes[ino as usize].durable_links > 0
            || self
                .nodes
                .iter()
                .any(|n| n.pending.iter().any(|op| matches!(op, DirOp::Set { ino: i, .. } if *i == ino)))
    }

    /// Takes a named object out of the tree: to the attic if a cut could bring it back, else
    /// deleted for good.
    fn detach(&mut self, ino: u64) -> io::Result<()> {
        let from = self.path(ino);
        if self.may_come_back(ino) {
            fs::rename(&from, self.attic.join(ino.to_string()))?;
            self.nodes[ino as usize].loc = Loc::Attic;
        } else {
            if self.nodes[ino as usize].dir {
                fs::remove_dir_all(&from)?;
            } else {
                fs::remove_file(&from)?;
            }
            self.nodes[ino as usize].loc = Loc::Gone;
        }
        Ok(())
    }

    pub fn unlink(&mut self, parent: u64, name: &OsStr) -> io::Result<()> {
        self.remove(parent, name, false)
    }

    pub fn rmdir(&mut self, parent: u64, name: &OsStr) -> io::Result<()> {
        self.remove(parent, name, true)
    }

    fn remove(&mut self, parent: u64, name: &OsStr, dir: bool) -> io::Result<()> {
        let ino = self.lookup(parent, name)?;
        let n = &self.nodes[ino as usize];
        match (dir, n.dir) {
            (false, true) => return Err(err(libc::EISDIR)),
            (true, false) => return Err(err(libc::ENOTDIR)),
            (true, true) if !n.entries.is_empty() => return Err(err(libc::ENOTEMPTY)),
            _ => {}
        }
        self.begin(if dir { Kind::Rmdir } else { Kind::Unlink }, |f| f.rel_name(parent, name))?;
        let p = &mut self.nodes[parent as usize];
        p.entries.remove(name);
        p.pending.push(DirOp::Remove(name.to_os_string()));
        self.detach(ino)
    }

    /// Renames, replacing the target unless `noreplace`.
    pub fn rename(
        &mut self,
        parent: u64,
        name: &OsStr,
        newparent: u64,
        newname: &OsStr,
        noreplace: bool,
    ) -> io::Result<()> {
        let ino = self.lookup(parent, name)?;
        self.check_new_name(newparent, newname)?;
        let target = self.nodes[newparent as usize].entries.get(newname).copied();
        if target == Some(ino) {
            return Ok(());
        }
        let moving_dir = self.nodes[ino as usize].dir;
        if let Some(t) = target {
            let t = &self.nodes[t as usize];
            if noreplace {
                return Err(err(libc::EEXIST));
            }
            match (moving_dir, t.dir) {
                (false, true) => return Err(err(libc::EISDIR)),
                (true, false) => return Err(err(libc::ENOTDIR)),
                (true, true) if !t.entries.is_empty() => return Err(err(libc::ENOTEMPTY)),
                _ => {}
            }
        }
        if moving_dir {
            // Not into itself or below.
            let mut d = newparent;
            loop {
                if d == ino {
                    return Err(err(libc::EINVAL));
                }
                match &self.nodes[d as usize].loc {
                    Loc::Named { parent, .. } => d = *parent,
                    _ => break,
                }
            }
        }
        self.begin(Kind::Rename, |f| format!("{}->{}", f.rel_name(parent, name), f.rel_name(newparent, newname)))?;
        let to = self.path(newparent).join(newname);
        if let Some(t) = target {
            self.nodes[newparent as usize].entries.remove(newname);
            self.detach(t)?;
        }
        fs::rename(self.path(ino), &to)?;
        self.nodes[parent as usize].entries.remove(name);
        self.nodes[newparent as usize].entries.insert(newname.to_os_string(), ino);
        self.nodes[ino as usize].loc = Loc::Named { parent: newparent, name: newname.to_os_string() };
        if parent == newparent {
            self.nodes[parent as usize].pending.push(DirOp::Set {
                from: Some(name.to_os_string()),
                name: newname.to_os_string(),
                ino,
            });
        } else {
            // Two directories, two changes: a random cut may keep one without the other.
            self.nodes[parent as usize].pending.push(DirOp::Remove(name.to_os_string()));
            self.nodes[newparent as usize].pending.push(DirOp::Set { from: None, name: newname.to_os_string(), ino });
        }
        Ok(())
    }

    pub fn read(&mut self, ino: u64, offset: u64, size: u32) -> io::Result<Vec<u8>> {
        self.alive()?;
        let f = self.file(ino)?;
        let mut buf = vec![0u8; size as usize];
        let mut got = 0;
        while got < buf.len() {
            let n = f.read_at(&mut buf[got..], offset + got as u64)?;
            if n == 0 {
                break;
            }
            got += n;
        }
        buf.truncate(got);
        Ok(buf)
    }

    pub fn write(&mut self, ino: u64, offset: u64, bytes: &[u8]) -> io::Result<usize> {
        self.begin(Kind::Write, |_| String::new())?;
        let f = self.file(ino)?;
        self.nodes[ino as usize].data.save(&f, offset, offset + bytes.len() as u64)?;
        f.write_all_at(bytes, offset)?;
        self.last_write = Some((ino, offset, bytes.to_vec()));
        Ok(bytes.len())
    }

    pub fn set_size(&mut self, ino: u64, size: u64) -> io::Result<()> {
        self.begin(Kind::SetSize, |f| f.rel(ino))?;
        let f = self.file(ino)?;
        let current = f.metadata()?.len();
        if size < current {
            self.nodes[ino as usize].data.save(&f, size, current)?;
        }
        f.set_len(size)
    }

    /// `fallocate(2)`: plain preallocation (mode 0 or `FALLOC_FL_KEEP_SIZE`) changes no bytes;
    /// punching a hole or zeroing a range does, so those pages are saved first.
    pub fn fallocate(&mut self, ino: u64, offset: u64, len: u64, mode: i32) -> io::Result<()> {
        self.begin(Kind::Fallocate, |f| f.rel(ino))?;
        let f = self.file(ino)?;
        let changes_bytes = libc::FALLOC_FL_PUNCH_HOLE | libc::FALLOC_FL_ZERO_RANGE;
        if mode & !(libc::FALLOC_FL_KEEP_SIZE | changes_bytes) != 0 {
            return Err(err(libc::EOPNOTSUPP)); // collapse and insert move bytes: not modelled
        }
        if mode & changes_bytes != 0 {
            self.nodes[ino as usize].data.save(&f, offset, offset + len)?;
        }
        // SAFETY: fallocate on a descriptor the Arc keeps open; no memory is passed.
        let rc = unsafe { libc::fallocate(f.as_raw_fd(), mode, offset as libc::off_t, len as libc::off_t) };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// fsync or fdatasync of a file: everything in it now is durable (its name is not: that
    /// takes an fsync of its directory).
    pub fn fsync(&mut self, ino: u64) -> io::Result<()> {
        if self.node(ino)?.dir {
            return self.fsyncdir(ino);
        }
        self.begin(Kind::Fsync, |f| f.rel(ino))?;
        let f = self.file(ino)?;
        let size = f.metadata()?.len();
        self.nodes[ino as usize].data.synced(size);
        if self.last_write.as_ref().is_some_and(|w| w.0 == ino) {
            self.last_write = None;
        }
        Ok(())
    }

    /// fsync of a directory: its entries now are durable, naming the objects they name (whose
    /// contents are only as durable as their own fsyncs made them).
    pub fn fsyncdir(&mut self, ino: u64) -> io::Result<()> {
        if !self.node(ino)?.dir {
            return Err(err(libc::ENOTDIR));
        }
        self.begin(Kind::Fsyncdir, |f| f.rel(ino))?;
        let d = &mut self.nodes[ino as usize];
        let old = std::mem::replace(&mut d.durable, d.entries.clone());
        d.pending.clear();
        let new: Vec<u64> = d.durable.values().copied().collect();
        for &i in old.values() {
            self.nodes[i as usize].durable_links -= 1;
        }
        for i in new {
            self.nodes[i as usize].durable_links += 1;
        }
        // Objects in the attic that nothing can bring back any more are deleted for good.
        for i in 1..self.nodes.len() as u64 {
            if self.nodes[i as usize].loc == Loc::Attic && !self.may_come_back(i) {
                let p = self.path(i);
                if self.nodes[i as usize].dir {
                    fs::remove_dir_all(&p)?;
                } else {
                    fs::remove_file(&p)?;
                }
                self.nodes[i as usize].loc = Loc::Gone;
            }
        }
        Ok(())
    }

    /// Cuts the power now (see `cut.rs`). `why` goes into the reason reported afterwards.
    pub fn cut_now(&mut self, mode: CutMode) -> io::Result<CutReport> {
        self.alive()?;
        self.cut(mode, "cut by command")
    }
}
