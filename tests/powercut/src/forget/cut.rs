//! The power cut: puts the backing directory in the state the disk would be in after the power
//! went, then marks the model dead.
//!
//! - `Strict`: everything not covered by an fsync is lost. Each file gets its durable size and
//!   the durable bytes of every page changed since its last fsync; each directory gets its
//!   entries as of its last fsync (objects that only a lost entry named disappear; objects whose
//!   removal was lost come back from the attic).
//! - `Random(seed)`: the kernel had written some of it back. Each changed page independently
//!   keeps its new bytes or not, each file keeps its durable or its current size, and each
//!   directory keeps a random prefix of its entry changes since its last fsync (a journaling
//!   filesystem commits metadata in order; a rename inside one directory is one change).
//! - `Tear(seed)`: as `Strict`, but the last write not covered by an fsync reached the disk in
//!   part: a random whole number of 512-byte sectors of it, fewer than all.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::ffi::OsString;
use std::fs;
use std::io;
use std::os::unix::fs::FileExt;

use super::{monotonic_ns, Dead, DirOp, Forget, Loc, ROOT};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CutMode {
    Strict,
    Random(u64),
    Tear(u64),
}

impl CutMode {
    /// `strict`, `random SEED` or `tear SEED` (words of a control command).
    pub fn parse(words: &[&str]) -> Option<CutMode> {
        let seed = || words.get(1).and_then(|s| s.parse::<u64>().ok()).unwrap_or(1);
        match words.first().copied() {
            None | Some("strict") => Some(CutMode::Strict),
            Some("random") => Some(CutMode::Random(seed())),
            Some("tear") => Some(CutMode::Tear(seed())),
            _ => None,
        }
    }

    pub fn words(self) -> String {
        match self {
            CutMode::Strict => "strict".into(),
            CutMode::Random(s) => format!("random {s}"),
            CutMode::Tear(s) => format!("tear {s}"),
        }
    }
}

/// What a cut took back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CutReport {
    /// Files whose size or bytes changed back.
    pub files: u64,
    /// Pages put back to their durable bytes.
    pub pages: u64,
    /// Directory entries dropped (names created or renamed to, and not made durable).
    pub dropped: u64,
    /// Directory entries put back (removals or renames away that were not made durable).
    pub restored: u64,
    /// Bytes of a torn last write that reached the disk.
    pub torn_bytes: u64,
}

impl std::fmt::Display for CutReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "files={} pages={} dropped={} restored={} torn_bytes={}",
            self.files, self.pages, self.dropped, self.restored, self.torn_bytes
        )
    }
}

/// xorshift64: reproducible choices from a seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn coin(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }

    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
}

impl Forget {
    pub(super) fn cut(&mut self, mode: CutMode, why: &str) -> io::Result<CutReport> {
        let at_ns = monotonic_ns();
        // Dead first: whatever happens below, nothing more is accepted.
        self.dead = Some(Dead { reason: format!("{why} ({})", mode.words()), at_ns });
        let mut rng = Rng::new(match mode {
            CutMode::Strict => 0,
            CutMode::Random(s) | CutMode::Tear(s) => s,
        });
        let mut report = CutReport::default();
        self.cut_data(mode, &mut rng, &mut report)?;
        self.cut_names(mode, &mut rng, &mut report)?;
        fs::remove_dir_all(&self.attic)?;
        if let Some(d) = self.dead.as_mut() {
            d.reason.push_str(&format!(": {report}"));
        }
        Ok(report)
    }

    fn cut_data(&mut self, mode: CutMode, rng: &mut Rng, report: &mut CutReport) -> io::Result<()> {
        for ino in 1..self.nodes.len() as u64 {
            let node = &self.nodes[ino as usize];
            if node.dir || node.loc == Loc::Gone {
                continue;
            }
            let file = self.file(ino)?;
            let current = file.metadata()?.len();
            let data = &self.nodes[ino as usize].data;
            if !data.dirty(current) {
                continue;
            }
            let pages = match mode {
                CutMode::Strict | CutMode::Tear(_) => data.restore(&file, data.durable_size, |_| true)?,
                CutMode::Random(_) => {
                    let size = if rng.coin() { data.durable_size } else { current };
                    data.restore(&file, size, |_| rng.coin())?
                }
            };
            report.files += 1;
            report.pages += pages;
        }
        if let (CutMode::Tear(_), Some((ino, offset, bytes))) = (mode, self.last_write.take()) {
            if self.nodes[ino as usize].loc != Loc::Gone && !bytes.is_empty() {
                let sectors = (bytes.len() as u64).div_ceil(512);
                let keep = (rng.below(sectors) * 512).min(bytes.len() as u64) as usize;
                if keep > 0 {
                    let file = self.file(ino)?;
                    file.write_all_at(&bytes[..keep], offset)?;
                    report.torn_bytes = keep as u64;
                }
            }
        }
        Ok(())
    }

    /// The entries each directory has after the cut.
    fn entries_after(&self, mode: CutMode, rng: &mut Rng) -> HashMap<u64, BTreeMap<OsString, u64>> {
        let mut out = HashMap::new();
        for (ino, node) in self.nodes.iter().enumerate() {
            if !node.dir || ino == 0 || node.loc == Loc::Gone {
                continue;
            }
            let mut entries = node.durable.clone();
            let keep = match mode {
                CutMode::Random(_) => rng.below(node.pending.len() as u64 + 1) as usize,
                _ => 0,
            };
            for op in &node.pending[..keep] {
                match op {
                    DirOp::Set { from, name, ino } => {
                        if let Some(f) = from {
                            entries.remove(f);
                        }
                        entries.insert(name.clone(), *ino);
                    }
                    DirOp::Remove(name) => {
                        entries.remove(name);
                    }
                }
            }
            out.insert(ino as u64, entries);
        }
        out
    }

    fn cut_names(&mut self, mode: CutMode, rng: &mut Rng, report: &mut CutReport) -> io::Result<()> {
        let after = self.entries_after(mode, rng);
        // 1. Every current entry that does not survive goes to the attic (a directory takes its
        //    contents along; what of them survives is put back in step 2).
        let dirs: Vec<u64> = after.keys().copied().collect();
        for d in dirs {
            let current: Vec<(OsString, u64)> =
                self.nodes[d as usize].entries.iter().map(|(n, &i)| (n.clone(), i)).collect();
            for (name, ino) in current {
                if after[&d].get(&name) == Some(&ino) {
                    continue;
                }
                let from = self.path(ino);
                fs::rename(&from, self.attic.join(ino.to_string()))?;
                self.nodes[ino as usize].loc = Loc::Attic;
                self.nodes[d as usize].entries.remove(&name);
                report.dropped += 1;
            }
        }
        // 2. From the root down, every surviving entry is put where it belongs.
        let mut placed: HashSet<u64> = HashSet::new();
        let mut queue = VecDeque::from([ROOT]);
        while let Some(d) = queue.pop_front() {
            let Some(want) = after.get(&d) else { continue };
            for (name, &ino) in want {
                let here = Loc::Named { parent: d, name: name.clone() };
                let to = self.path(d).join(name);
                if self.nodes[ino as usize].loc == here {
                    placed.insert(ino);
                } else if placed.contains(&ino) {
                    // A random cut kept a name from two directories' changes: a second link.
                    if !self.nodes[ino as usize].dir {
                        fs::hard_link(self.path(ino), &to)?;
                        report.restored += 1;
                    }
                    continue;
                } else if self.nodes[ino as usize].loc == Loc::Gone {
                    // Deleted for good although a cut could name it: a bug of this model.
                    return Err(io::Error::other(format!(
                        "forgetfs: {} was deleted but survives the cut",
                        to.display()
                    )));
                } else {
                    fs::rename(self.path(ino), &to)?;
                    self.nodes[ino as usize].loc = here;
                    self.nodes[d as usize].entries.insert(name.clone(), ino);
                    placed.insert(ino);
                    report.restored += 1;
                }
                if self.nodes[ino as usize].dir {
                    queue.push_back(ino);
                }
            }
        }
        Ok(())
    }
}
