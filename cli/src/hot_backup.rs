//! Backup of a store that another process holds open: copy its newest checkpoint, then its log
//! segments in order. Log files are only appended to, so the copy is the store as of some moment
//! during the copy (a record being written at the end is cut off when the copy opens). If a
//! checkpoint removes segments mid-copy the copy has a gap; `verify` notices and we start over.
//! The finished copy is fsynced, files and directory, before the command reports success.

use std::fs;
use std::path::Path;

use scalodb::{Error, Result};

const ATTEMPTS: usize = 5;

fn io(what: String) -> impl FnOnce(std::io::Error) -> Error {
    move |e| Error::Io { context: what, source: e }
}

/// Copies the store at `src` into `dest`; `progress(bytes_copied, bytes_total)` hears each
/// chunk copied (the total is what the files measured when their copy began).
pub fn copy_live_store(src: &Path, dest: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
    if dest.exists() && fs::read_dir(dest).map_err(io(format!("reading {}", dest.display())))?.next().is_some() {
        return Err(Error::InvalidArgument(format!("backup destination {} is not empty", dest.display())));
    }
    let mut last_err = None;
    for _ in 0..ATTEMPTS {
        let _ = fs::remove_dir_all(dest);
        fs::create_dir_all(dest).map_err(io(format!("creating {}", dest.display())))?;
        match copy_once(src, dest, progress).and_then(|()| scalodb::verify(dest).map(|_| ())) {
            // A backup that a power cut can take away is not one: make the copy durable.
            Ok(()) => return make_durable(dest),
            Err(e @ (Error::Corruption { .. } | Error::Io { .. })) => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    let _ = fs::remove_dir_all(dest);
    Err(last_err.unwrap_or_else(|| Error::InvalidArgument("backup failed".into())))
}

fn copy_once(src: &Path, dest: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
    let mut names: Vec<String> = fs::read_dir(src)
        .map_err(io(format!("listing {}", src.display())))?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    let newest_checkpoint = names.iter().rfind(|n| n.starts_with("checkpoint-") && n.ends_with(".ckpt"));
    let files: Vec<&String> = newest_checkpoint
        .into_iter()
        .chain(names.iter().filter(|n| n.starts_with("wal-") && n.ends_with(".log")))
        .collect();
    // A file that went away since the listing counts as empty; copying it then fails and the
    // attempt starts over.
    let total: u64 = files.iter().map(|n| fs::metadata(src.join(n)).map_or(0, |m| m.len())).sum();
    let mut done = 0u64;
    for n in files {
        let mut from = fs::File::open(src.join(n)).map_err(io(format!("copying {n}")))?;
        let mut to = fs::File::create(dest.join(n)).map_err(io(format!("copying {n}")))?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let got = std::io::Read::read(&mut from, &mut buf).map_err(io(format!("copying {n}")))?;
            if got == 0 {
                break;
            }
            std::io::Write::write_all(&mut to, &buf[..got]).map_err(io(format!("copying {n}")))?;
            done += got as u64;
            progress(done, total.max(done));
        }
    }
    Ok(())
}

/// fsyncs every file of `dest`, then `dest` itself and its parent (so its name is durable too).
fn make_durable(dest: &Path) -> Result<()> {
    let sync = |p: &Path| fs::File::open(p).and_then(|f| f.sync_all()).map_err(io(format!("syncing {}", p.display())));
    for entry in fs::read_dir(dest).map_err(io(format!("listing {}", dest.display())))? {
        sync(&entry.map_err(io(format!("listing {}", dest.display())))?.path())?;
    }
    sync(dest)?;
    let parent = dest.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    sync(parent)
}
