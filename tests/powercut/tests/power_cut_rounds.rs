//! Power-cut rounds, per sync mode, on forgetfs: a writer doing puts, batches, deletes and TTL
//! writes, with explicit checkpoints and the maintenance thread's own, is SIGKILLed at a random
//! moment; the power is cut (everything not fsynced is lost; in every fourth round the last write
//! not covered by an fsync is torn instead, and in another a random part of what was not synced
//! survives, as when the kernel had written some pages back); the filesystem is mounted again and
//! the store opened. Rounds go on with the same store, so each round also recovers from what the
//! recoveries before it left.
//!
//! Every round: `verify` finds no corruption, the store opens, and it holds exactly a prefix of
//! the commit order (no batch in part, no value from an op past the prefix), never shorter than
//! what the round started from or than the last checkpoint or `Db::sync` that returned. On top:
//! - `Always`: every acknowledged op is there (at most the one op in flight is added);
//! - `Interval(100 ms)`: every op acknowledged more than 100 ms + 1 s before the kill is there;
//! - `Never`: nothing more.
//!
//! `POWERCUT_ROUNDS` sets the rounds per mode (20 by default; `make soak-powercut` runs 500).

use std::time::Duration;

use scalodb_powercut::forget::cut::Rng;
use scalodb_powercut::forget::{monotonic_ns, CutMode};
use scalodb_powercut::harness::writer::{Proc, Report};
use scalodb_powercut::harness::{check_store, Bins, Rig};
use scalodb_powercut::workload::Model;

/// `SyncMode::Interval`'s interval in `powercut-writer`, and the margin granted on top of it for
/// the syncer thread to be scheduled on a busy machine.
const INTERVAL: Duration = Duration::from_millis(100);
const MARGIN: Duration = Duration::from_secs(1);

fn bins() -> Bins {
    Bins { forgetfs: env!("CARGO_BIN_EXE_forgetfs").into(), writer: env!("CARGO_BIN_EXE_powercut-writer").into() }
}

fn rounds_from_env() -> u64 {
    std::env::var("POWERCUT_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(20)
}

fn seed(mode: &str) -> u64 {
    let base = std::env::var("POWERCUT_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(monotonic_ns);
    base ^ mode.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(b as u64))
}

#[derive(Default)]
struct Totals {
    acked: u64,
    lost_unsynced: u64,
    owed: u64,
    from_checkpoint: u64,
    torn: u64,
    tear_cuts: u64,
    random_cuts: u64,
}

fn rounds(mode: &str, rounds: u64) {
    let seed = seed(mode);
    eprintln!("{mode}: seed {seed} (POWERCUT_SEED reproduces the choices, not the timing)");
    let mut rng = Rng::new(seed);
    let mut rig = Rig::new(bins()).unwrap();
    rig.mount(None).unwrap();
    let dir = rig.path("db");
    let dir_s = dir.to_str().unwrap().to_string();
    let mut model = Model::default();
    let mut t = Totals::default();
    for round in 0..rounds {
        let start = model.applied;
        let ctx = |what: &str| format!("{mode}, round {round} (seed {seed}): {what}");
        let w = Proc::spawn(&rig.bins.writer, &["run", &dir_s, &start.to_string(), mode], &rig.log("writer.stderr"))
            .unwrap();
        match w.line(Duration::from_secs(60)) {
            Some(l) if l.starts_with("ready") => {}
            other => {
                let err = w.stderr_text();
                let lines = w.kill();
                panic!("{}", ctx(&format!("the writer did not start: {other:?} {lines:?} {err}")));
            }
        }
        // Long enough, under Interval, for ops to be owed (acknowledged before the kill by more
        // than the interval and the margin).
        let run_ms = match mode {
            "interval" => 300 + rng.below(2200),
            _ => 50 + rng.below(1200),
        };
        std::thread::sleep(Duration::from_millis(run_ms));
        let kill_ns = monotonic_ns();
        let mut report = Report::default();
        report.push_lines(&w.kill()).unwrap();
        if let Some(e) = report.events.iter().find(|e| e.what == "error") {
            panic!("{}", ctx(&format!("a write failed before the power cut: op {}: {}", e.n, e.text)));
        }
        let mode_cut = match round % 4 {
            1 => CutMode::Random(rng.next_u64()),
            3 => CutMode::Tear(rng.next_u64()),
            _ => CutMode::Strict,
        };
        t.tear_cuts += u64::from(matches!(mode_cut, CutMode::Tear(_)));
        t.random_cuts += u64::from(matches!(mode_cut, CutMode::Random(_)));
        let what = rig.cut_and_remount(mode_cut).unwrap_or_else(|e| panic!("{}", ctx(&e)));
        let acked = report.acked(start);
        let durable = report.durable_mark("ckpt").max(report.durable_mark("sync")).unwrap_or(0);
        let owed = match mode {
            "always" => acked,
            "interval" => {
                let window = (INTERVAL + MARGIN).as_nanos() as u64;
                report.acked_before(start, kill_ns.saturating_sub(window))
            }
            _ => start,
        }
        .max(durable)
        .max(start);
        // The writer runs one op at a time: at most the one in flight can be there unacknowledged.
        let checked = check_store(&dir, &mut model, owed, acked + 1).unwrap_or_else(|e| {
            panic!("{}", ctx(&format!("{e} (acknowledged 0..{acked}, owed 0..{owed}; cut: {what})")))
        });
        t.acked += acked - start;
        t.owed += owed - start;
        t.lost_unsynced += acked.saturating_sub(checked.found.ops);
        t.from_checkpoint += u64::from(checked.from_checkpoint);
        t.torn += checked.torn;
    }
    rig.finish().unwrap();
    eprintln!(
        "{mode}: {rounds} power-cut rounds ({} with a torn last write, {} keeping a random part of what was not \
         synced): {} ops acknowledged, {} of them owed by the \
         promise and all there, {} acknowledged but not yet durable lost, {} opens from a checkpoint, {} torn tails cut; \
         the store holds {} keys",
        t.tear_cuts,
        t.random_cuts,
        t.acked,
        t.owed,
        t.lost_unsynced,
        t.from_checkpoint,
        t.torn,
        model.len()
    );
    assert!(t.acked > rounds * 10, "{mode}: the writer made too little progress ({} ops)", t.acked);
    if mode == "always" {
        assert_eq!(t.lost_unsynced, 0);
    }
}

#[test]
fn power_cut_under_sync_always_loses_no_acknowledged_write() {
    rounds("always", rounds_from_env());
}

#[test]
fn power_cut_under_sync_interval_loses_only_the_last_interval() {
    rounds("interval", rounds_from_env());
}

#[test]
fn power_cut_under_sync_never_leaves_a_prefix_of_the_commit_order() {
    rounds("never", rounds_from_env());
}
