//! What a power cut takes back from one file's contents: the durable size and, for every page
//! changed since the file's last fsync, its durable bytes (an undo image).
//!
//! Writes go through to the backing file at once, so reads need no merging; before the first
//! change to a page since the last fsync, the page's durable bytes are saved. An fsync (or
//! fdatasync, or msync, which reach us as the same FUSE request) forgets the saved pages: what is
//! in the file now is what survives. A cut writes the saved pages back and sets the durable size.

use std::collections::BTreeMap;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

/// The unit of forgetting: a power cut keeps or loses whole pages (a torn write is finer).
pub const PAGE: u64 = 4096;

#[derive(Debug, Default)]
pub struct FileData {
    /// The size the file has after a cut, unless a random cut keeps the current one.
    pub durable_size: u64,
    /// Page index → the page's durable bytes (shorter than a page at the durable end, empty for
    /// a page wholly past it, which was zeros or absent).
    pub undo: BTreeMap<u64, Vec<u8>>,
}

impl FileData {
    /// A file that already exists (found at mount, whose contents count as durable).
    pub fn durable(size: u64) -> FileData {
        FileData { durable_size: size, undo: BTreeMap::new() }
    }

    /// Saves the durable bytes of every page in `[from, to)` not saved yet. Called before the
    /// bytes change, so what is read is still the durable content.
    pub fn save(&mut self, file: &File, from: u64, to: u64) -> io::Result<()> {
        if to <= from {
            return Ok(());
        }
        for page in from / PAGE..to.div_ceil(PAGE) {
            if self.undo.contains_key(&page) {
                continue;
            }
            let start = page * PAGE;
            let len = self.durable_size.saturating_sub(start).min(PAGE) as usize;
            let mut bytes = vec![0u8; len];
            let mut got = 0;
            while got < len {
                let n = file.read_at(&mut bytes[got..], start + got as u64)?;
                if n == 0 {
                    break; // shorter now than its durable size: it was cut, and saved then
                }
                got += n;
            }
            bytes.truncate(got);
            self.undo.insert(page, bytes);
        }
        Ok(())
    }

    /// Everything now in the file is durable.
    pub fn synced(&mut self, size: u64) {
        self.durable_size = size;
        self.undo.clear();
    }

    /// Is anything of this file not durable?
    pub fn dirty(&self, current_size: u64) -> bool {
        !self.undo.is_empty() || current_size != self.durable_size
    }

    /// Puts the file back as a power cut leaves it: `final_size` bytes long, every saved page for
    /// which `lose(page)` is true back to its durable bytes (zeros past them). Returns the number
    /// of pages put back.
    pub fn restore(&self, file: &File, final_size: u64, mut lose: impl FnMut(u64) -> bool) -> io::Result<u64> {
        let mut restored = 0;
        for (&page, bytes) in &self.undo {
            if !lose(page) {
                continue;
            }
            let start = page * PAGE;
            if start >= final_size {
                continue; // cut off by the size below
            }
            file.write_all_at(bytes, start)?;
            let end = (start + PAGE).min(final_size);
            let zeros_from = start + bytes.len() as u64;
            if zeros_from < end {
                file.write_all_at(&vec![0u8; (end - zeros_from) as usize], zeros_from)?;
            }
            restored += 1;
        }
        file.set_len(final_size)?;
        Ok(restored)
    }
}
