//! A power cut at each step of segment creation, rotation, checkpoint and backup.
//!
//! `powercut-writer steps` runs a fixed script under `SyncMode::Always` (a new store, writes that
//! rotate 8 KiB segments, a checkpoint, a backup, a second checkpoint), so it makes the same
//! filesystem steps every run. A first run records them (forgetfs's `trace`). Then, for each
//! step that creates, preallocates, renames, removes or syncs a directory, and for each fsync of
//! a file next to one of those, a fresh run is cut just before that step, and after a remount:
//!
//! - the store opens, `verify` finds no corruption, and it holds exactly a prefix of the script
//!   with every acknowledged op;
//! - if the backup returned, the backup opens and holds exactly the ops acknowledged before it;
//!   if it did not, whatever backup directory exists opens and holds that or nothing.
//!
//! The structural steps are cut a second time with a random cut (some of the writes and entry
//! changes not made durable survive).

use std::collections::BTreeMap;
use std::time::Duration;

use scalodb_powercut::forget::cut::Rng;
use scalodb_powercut::forget::{monotonic_ns, CutMode};
use scalodb_powercut::harness::mount::FsStatus;
use scalodb_powercut::harness::writer::{Proc, Report};
use scalodb_powercut::harness::{check_store, Bins, Rig};
use scalodb_powercut::workload::Model;

/// Ops the script runs before its backup.
const BEFORE_BACKUP: u64 = 100;

fn bins() -> Bins {
    Bins { forgetfs: env!("CARGO_BIN_EXE_forgetfs").into(), writer: env!("CARGO_BIN_EXE_powercut-writer").into() }
}

/// One recorded step: number, kind, path.
type Step = (u64, String, String);

fn run_script(rig: &Rig) -> Report {
    let (db, backup) = (rig.path("db"), rig.path("backup"));
    let w = Proc::spawn(
        &rig.bins.writer,
        &["steps", db.to_str().unwrap(), backup.to_str().unwrap()],
        &rig.log("writer.stderr"),
    )
    .unwrap();
    let (_status, lines) = w.wait(Duration::from_secs(60));
    let mut r = Report::default();
    r.push_lines(&lines).unwrap();
    r
}

fn record() -> Vec<Step> {
    let mut rig = Rig::new(bins()).unwrap();
    rig.mount(None).unwrap();
    let r = run_script(&rig);
    assert!(r.has("done"), "the script did not finish without a power cut: {:?}", r.events.last());
    let trace = rig.fs().command("trace").unwrap();
    rig.finish().unwrap();
    trace
        .lines()
        .take_while(|l| *l != "end")
        .map(|l| {
            let mut w = l.splitn(3, ' ');
            let n = w.next().unwrap().parse().unwrap();
            (n, w.next().unwrap().to_string(), w.next().unwrap_or("").to_string())
        })
        .collect()
}

/// Cuts a fresh run just before the `k`th operation of `kind` on `path` (the step `n` of the
/// recorded run) and checks what is left. Steps are named by kind, path and occurrence, not by
/// their global number: the log thread makes spares and fsyncs closed segments beside the
/// writer, so the interleaving (and the number) of steps differs from run to run, while each
/// path sees the same operations. Returns false if the run ended without reaching the step.
fn cut_at(step: &Step, k: u64, mode: CutMode) -> bool {
    let (n, kind, path) = (step.0, &step.1, &step.2);
    let what = format!("step {n}, {kind} {path} #{k}");
    let mut rig = Rig::new(bins()).unwrap();
    rig.mount(Some(&format!("{kind}@{path}:{k} {}", mode.words()))).unwrap();
    let report = run_script(&rig);
    let status = rig.fs().status().unwrap();
    let FsStatus::Cut { .. } = status else {
        assert!(
            report.has("done"),
            "{what}: the run neither finished nor reached the step: {:?}",
            report.events.last()
        );
        rig.finish().unwrap();
        return false;
    };
    let ctx = |e: String| format!("cut before step {n} ({what}, {}): {e}", mode.words());
    if let Some(e) = report.events.iter().find(|e| e.what == "error") {
        // Every failure must come from the dead filesystem (EIO), none from the store itself.
        assert!(e.text.contains("os error 5") || e.text.contains("Input/output"), "{}", ctx(format!("{e:?}")));
    }
    rig.cut_and_remount(mode).unwrap_or_else(|e| panic!("{}", ctx(e)));
    let acked = report.acked(0);
    let mut model = Model::default();
    let checked = check_store(&rig.path("db"), &mut model, acked, acked + 1).unwrap_or_else(|e| panic!("{}", ctx(e)));
    assert!(checked.found.ops >= acked);
    let backup = rig.path("backup");
    let backed_up = report.durable_mark("backup");
    if backed_up.is_some() || backup.exists() {
        let mut model = Model::default();
        let (lo, hi) = match backed_up {
            Some(n) => (n, n),
            None => (0, BEFORE_BACKUP),
        };
        let found = check_store(&backup, &mut model, lo, hi)
            .unwrap_or_else(|e| panic!("{}", ctx(format!("the backup (returned: {backed_up:?}): {e}"))));
        assert!(
            found.found.ops == lo || found.found.ops == BEFORE_BACKUP || found.found.ops == 0,
            "{}",
            ctx(format!("the backup holds {} ops", found.found.ops))
        );
    }
    rig.finish().unwrap();
    true
}

fn segment(path: &str) -> bool {
    path.ends_with(".log") || path.ends_with(".log.tmp")
}

#[test]
fn a_power_cut_at_each_step_of_segment_creation_checkpoint_and_backup_loses_nothing_acknowledged() {
    let steps = record();
    assert!(steps.iter().any(|s| s.1 == "rename"), "no renames recorded: {steps:?}");
    let structural = |s: &Step| s.1 != "fsync";
    // fsyncs of segments are one per op; only those next to a structural step are cut at.
    let chosen: Vec<&Step> = steps
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            structural(s)
                || !segment(&s.2)
                || (*i > 0 && structural(&steps[i - 1]))
                || steps.get(i + 1).is_some_and(structural)
        })
        .map(|(_, s)| s)
        .collect();
    let mut rng =
        Rng::new(std::env::var("POWERCUT_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(monotonic_ns));
    let mut per_kind: BTreeMap<String, u64> = BTreeMap::new();
    let mut rounds = 0;
    let mut missed: Vec<String> = Vec::new();
    for s in &chosen {
        let k = steps.iter().filter(|t| t.0 <= s.0 && t.1 == s.1 && t.2 == s.2).count() as u64;
        let mut reached = cut_at(s, k, CutMode::Strict);
        rounds += 1;
        if structural(s) && reached {
            reached = cut_at(s, k, CutMode::Random(rng.next_u64()));
            rounds += 1;
        }
        if !reached {
            missed.push(format!("{} {} #{k}", s.1, s.2));
            continue;
        }
        *per_kind.entry(s.1.clone()).or_default() += 1;
    }
    // A step another run may not make: the spare the log thread makes ahead of need after the
    // last rotation (the script may end first: its temporary file, and the fsync of the store's
    // directory that follows), or an extra fsync of a segment. Every other step of the script
    // (renames, unlinks, the backup's directory) is reached in every run.
    let optional = |m: &String| m.starts_with("fsync ") || m.contains(".log.tmp") || m.starts_with("fsyncdir db #");
    assert!(missed.iter().all(optional), "steps of the script not reached in a later run: {missed:?}");
    assert!(missed.len() * 4 <= chosen.len(), "a quarter or more of the steps were not reached: {missed:?}");
    eprintln!(
        "{} steps recorded; cut before {} of them ({per_kind:?}) in {rounds} rounds: the store and the backup \
         always opened with every acknowledged op ({} steps of the log thread not made in the cut run: {missed:?})",
        steps.len(),
        chosen.len() - missed.len(),
        missed.len()
    );
}

/// The regression round of the refusal to open: what the format-1 writer did when it created a
/// segment (create, preallocate, header through the mapping, directory fsync, no file fsync),
/// done twice at the end of a store's log, then a power cut. Both segments come back empty, as
/// the reported `segment shorter than its header` stores had them; the store must open with
/// every acknowledged op.
#[test]
fn a_store_whose_last_segments_a_power_cut_left_empty_opens_with_every_acknowledged_write() {
    use std::os::unix::fs::FileExt;
    let mut rig = Rig::new(bins()).unwrap();
    rig.mount(None).unwrap();
    let r = run_script(&rig);
    assert!(r.has("done"));
    let db = rig.path("db");
    let last: u64 = std::fs::read_dir(&db)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_prefix("wal-")?.strip_suffix(".log")?.parse().ok())
        .max()
        .unwrap();
    for id in [last + 1, last + 2] {
        let f = std::fs::File::create_new(db.join(format!("wal-{id:020}.log"))).unwrap();
        f.set_len(8192).unwrap();
        f.write_all_at(b"SCALOWAL not synced", 0).unwrap();
        std::fs::File::open(&db).unwrap().sync_all().unwrap();
    }
    let cut = rig.cut_and_remount(CutMode::Strict).unwrap();
    for id in [last + 1, last + 2] {
        let len = std::fs::metadata(db.join(format!("wal-{id:020}.log"))).unwrap().len();
        assert_eq!(len, 0, "the cut ({cut}) should leave segment {id} empty");
    }
    let acked = r.acked(0);
    let mut model = Model::default();
    let checked = check_store(&db, &mut model, acked, acked).unwrap();
    assert_eq!(checked.found.ops, acked);
    rig.finish().unwrap();
}
