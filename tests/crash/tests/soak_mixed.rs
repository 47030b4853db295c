//! Mixed load for a long time: four threads put, put with a TTL, delete, write batches, set and
//! remove expiries, increment, compare-and-swap and read, while checkpoints run (explicit and
//! automatic) and keys expire. Each thread owns its keys and keeps an exact model of them (an
//! expiry is known to within the time its call took), checks every read against it, and scans
//! its whole key space against it every few seconds. At the end the store is checked, closed,
//! reopened and checked again: zero acknowledged writes may be lost. Memory (`memory_bytes` from
//! stats and the process RSS) is sampled throughout and must stay flat over the second half.
//!
//! `SOAK_SECONDS` sets the duration (20 s by default; `make soak` runs 600).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use scalodb::{CasOutcome, Db, Options, SyncMode, WriteBatch};
use scalodb_crash_tests::soak::{assert_flat, mib, rss_bytes, seconds_from_env, Rng};

const THREADS: u64 = 4;
const KEYS_PER_THREAD: u64 = 3000;
const COUNTERS_PER_THREAD: u64 = 50;
const SAMPLES: u32 = 30;

/// What a thread knows of one of its keys.
#[derive(Clone)]
struct Entry {
    value: Vec<u8>,
    /// The expiry lies in `[lo, hi]` (ms since the Unix epoch): the window of the call that set it.
    expiry: Option<(u64, u64)>,
}

type Model = HashMap<Vec<u8>, Entry>;

/// What a read at some time in `[before, after]` must show.
#[derive(Debug)]
enum Expect<'a> {
    Present(&'a [u8]),
    Absent,
    /// The key expires during the read: either is right (but a value must be the model's).
    Either(&'a [u8]),
}

fn expect(e: Option<&Entry>, before: u64, after: u64) -> Expect<'_> {
    match e {
        None => Expect::Absent,
        Some(Entry { value, expiry: None }) => Expect::Present(value),
        Some(Entry { value, expiry: Some((lo, hi)) }) => {
            if *hi <= before {
                Expect::Absent
            } else if *lo > after {
                Expect::Present(value)
            } else {
                Expect::Either(value)
            }
        }
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

/// Checks one read result against the model; returns 1 if an acknowledged write is missing or
/// wrong (the caller asserts on the total, so every loss is counted and reported).
fn check_read(key: &[u8], got: Option<&[u8]>, want: Expect<'_>) -> u64 {
    let ok = match (&want, got) {
        (Expect::Present(v), Some(g)) | (Expect::Either(v), Some(g)) => *v == g,
        (Expect::Absent, None) | (Expect::Either(_), None) => true,
        _ => false,
    };
    if !ok {
        eprintln!(
            "MISMATCH {}: expected {:?}, got {:?}",
            String::from_utf8_lossy(key),
            want,
            got.map(|g| String::from_utf8_lossy(g).into_owned())
        );
    }
    u64::from(!ok)
}

/// Scans every key of `prefix` and checks the scan and the model against each other.
fn check_all(db: &Db, prefix: &str, model: &Model) -> u64 {
    let before = now_ms();
    let scanned: HashMap<Vec<u8>, Vec<u8>> = db.scan_prefix(prefix).unwrap().map(|e| e.unwrap()).collect();
    let after = now_ms();
    let mut bad = 0;
    for (k, v) in &scanned {
        bad += check_read(k, Some(v), expect(model.get(k), before, after));
    }
    for (k, e) in model {
        if !scanned.contains_key(k) {
            bad += check_read(k, None, expect(Some(e), before, after));
        }
    }
    bad
}

#[derive(Default)]
struct Counts {
    ops: u64,
    reads_checked: u64,
    full_checks: u64,
    lost: u64,
}

fn value(rng: &mut Rng, t: u64, n: u64) -> Vec<u8> {
    let len = 10 + rng.below(390) as usize;
    let mut v = format!("t{t}-op{n}-").into_bytes();
    v.resize(len, b'a' + (n % 26) as u8);
    v
}

fn worker(db: Db, t: u64, deadline: Instant, ops_done: Arc<AtomicU64>) -> (Model, Counts) {
    let mut rng = Rng::new(t + 1);
    let mut model = Model::new();
    let mut c = Counts::default();
    let prefix = format!("t{t}:");
    let mut next_full_check = Instant::now() + Duration::from_secs(2);
    let mut n = 0u64;
    while Instant::now() < deadline {
        n += 1;
        let key = format!("t{t}:k{:05}", rng.below(KEYS_PER_THREAD)).into_bytes();
        let op = rng.below(100);
        match op {
            0..=39 => {
                let v = value(&mut rng, t, n);
                db.put(&key, &v).unwrap();
                model.insert(key, Entry { value: v, expiry: None });
            }
            40..=49 => {
                let v = value(&mut rng, t, n);
                let ttl = 20 + rng.below(1500);
                let before = now_ms();
                db.put_with_ttl(&key, &v, Duration::from_millis(ttl)).unwrap();
                let after = now_ms();
                model.insert(key, Entry { value: v, expiry: Some((before + ttl, after + ttl)) });
            }
            50..=59 => {
                let before = now_ms();
                let existed = db.delete(&key).unwrap();
                let after = now_ms();
                match expect(model.get(&key), before, after) {
                    Expect::Present(_) => c.lost += u64::from(!existed),
                    Expect::Absent => assert!(!existed, "delete found a key the model says is gone"),
                    Expect::Either(_) => {}
                }
                model.remove(&key);
            }
            60..=69 => {
                let mut b = WriteBatch::new();
                let mut changes = Vec::new();
                for j in 0..4 {
                    let k = format!("t{t}:k{:05}", rng.below(KEYS_PER_THREAD)).into_bytes();
                    if rng.below(4) == 0 {
                        b.delete(&k);
                        changes.push((k, None));
                    } else {
                        let v = value(&mut rng, t, n * 8 + j);
                        b.put(&k, &v);
                        changes.push((k, Some(v)));
                    }
                }
                db.write(b).unwrap();
                for (k, v) in changes {
                    match v {
                        Some(v) => model.insert(k, Entry { value: v, expiry: None }),
                        None => model.remove(&k),
                    };
                }
            }
            70..=74 => {
                let ttl = 50 + rng.below(2000);
                let before = now_ms();
                let set = db.expire(&key, Duration::from_millis(ttl)).unwrap();
                let after = now_ms();
                match expect(model.get(&key), before, after) {
                    Expect::Present(_) => c.lost += u64::from(!set),
                    Expect::Absent => assert!(!set, "expire found a key the model says is gone"),
                    Expect::Either(_) => {}
                }
                if set {
                    model.get_mut(&key).unwrap().expiry = Some((before + ttl, after + ttl));
                } else {
                    model.remove(&key);
                }
            }
            75..=77 => {
                let before = now_ms();
                let had_ttl = db.persist(&key).unwrap();
                let after = now_ms();
                let model_ttl = model.get(&key).is_some_and(|e| e.expiry.is_some());
                match expect(model.get(&key), before, after) {
                    Expect::Present(_) if model_ttl => c.lost += u64::from(!had_ttl),
                    Expect::Present(_) | Expect::Absent => {
                        assert!(!had_ttl, "persist found a TTL on a key the model says has none")
                    }
                    Expect::Either(_) => {}
                }
                if had_ttl {
                    model.get_mut(&key).unwrap().expiry = None;
                } else if model_ttl {
                    // It had a TTL and persist found none: it expired.
                    model.remove(&key);
                }
            }
            78..=82 => {
                // Counters never get a TTL, so their value is always exact.
                let k = format!("t{t}:ctr{:03}", rng.below(COUNTERS_PER_THREAD)).into_bytes();
                let d = 1 + rng.below(9) as i64;
                let old: i64 = model.get(&k).map_or(0, |e| std::str::from_utf8(&e.value).unwrap().parse().unwrap());
                let new = db.increment(&k, d).unwrap();
                if new != old + d {
                    eprintln!("MISMATCH counter {}: {old} + {d} gave {new}", String::from_utf8_lossy(&k));
                    c.lost += 1;
                }
                model.insert(k, Entry { value: new.to_string().into_bytes(), expiry: None });
            }
            83..=85 => {
                let now = now_ms();
                // A key that may expire in the meantime has no exact expected value: skip it.
                let expected = match expect(model.get(&key), now, now + 1000) {
                    Expect::Present(v) => Some(Some(v.to_vec())),
                    Expect::Absent => Some(None),
                    Expect::Either(_) => None,
                };
                if let Some(expected) = expected {
                    let v = value(&mut rng, t, n);
                    match db.compare_and_swap(&key, expected.as_deref(), Some(&v)).unwrap() {
                        CasOutcome::Swapped => {
                            model.insert(key, Entry { value: v, expiry: None });
                        }
                        CasOutcome::Failed { current } => {
                            eprintln!("MISMATCH cas {}: current {current:?}", String::from_utf8_lossy(&key));
                            c.lost += 1;
                        }
                    }
                }
            }
            _ => {
                let before = now_ms();
                let got = db.get(&key).unwrap();
                let after = now_ms();
                c.lost += check_read(&key, got.as_deref(), expect(model.get(&key), before, after));
                c.reads_checked += 1;
            }
        }
        c.ops += 1;
        if n & 255 == 0 {
            ops_done.fetch_add(256, Ordering::Relaxed);
            // Keys known to have expired stay absent: drop them from the model.
            let now = now_ms();
            model.retain(|_, e| e.expiry.is_none_or(|(_, hi)| hi > now));
            if Instant::now() >= next_full_check {
                c.lost += check_all(&db, &prefix, &model);
                c.full_checks += 1;
                next_full_check = Instant::now() + Duration::from_secs(2);
            }
        }
    }
    (model, c)
}

struct Sample {
    secs: f64,
    ops: u64,
    keys: u64,
    memory: u64,
    rss: u64,
}

#[test]
fn mixed_load_with_checkpoints_and_expiry_loses_nothing_and_memory_stays_flat() {
    let duration = seconds_from_env("SOAK_SECONDS", 20);
    let dir = tempfile::tempdir().unwrap();
    let opts = Options {
        sync: SyncMode::Interval(Duration::from_millis(100)),
        wal_segment_size: 1 << 20,
        checkpoint_wal_bytes: 4 << 20,
        ..Options::default()
    };
    let db = Db::open_with(dir.path(), opts.clone()).unwrap();
    let start = Instant::now();
    let deadline = start + duration;
    let ops_done = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let (db, ops) = (db.clone(), ops_done.clone());
            std::thread::spawn(move || worker(db, t, deadline, ops))
        })
        .collect();
    // Explicit checkpoints every second, beside the automatic ones.
    let stop = Arc::new(AtomicBool::new(false));
    let checkpointer = {
        let (db, stop) = (db.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_secs(1));
                db.checkpoint().unwrap();
                n += 1;
            }
            n
        })
    };
    let mut samples = Vec::new();
    let every = duration / SAMPLES;
    for i in 1..=SAMPLES {
        let at = start + every * i;
        std::thread::sleep(at.saturating_duration_since(Instant::now()));
        let st = db.stats().unwrap();
        samples.push(Sample {
            secs: start.elapsed().as_secs_f64(),
            ops: ops_done.load(Ordering::Relaxed),
            keys: st.keys,
            memory: st.memory_bytes,
            rss: rss_bytes("self"),
        });
    }
    let results: Vec<(Model, Counts)> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    stop.store(true, Ordering::Relaxed);
    let explicit_checkpoints = checkpointer.join().unwrap();
    let st = db.stats().unwrap();

    let (mut ops, mut reads, mut full, mut lost) = (0, 0, 0, 0);
    for (t, (model, c)) in results.iter().enumerate() {
        ops += c.ops;
        reads += c.reads_checked;
        full += c.full_checks;
        lost += c.lost + check_all(&db, &format!("t{t}:"), model);
    }
    db.close().unwrap();
    let reopened = Db::open_with(dir.path(), opts).unwrap();
    let mut lost_after_reopen = 0;
    for (t, (model, _)) in results.iter().enumerate() {
        lost_after_reopen += check_all(&reopened, &format!("t{t}:"), model);
    }
    reopened.close().unwrap();

    println!(
        "mixed soak: {:.0} s, {THREADS} threads, {ops} ops ({:.0}/s)",
        duration.as_secs_f64(),
        ops as f64 / duration.as_secs_f64()
    );
    println!(
        "  {reads} reads and {full} full scans checked against the model; {explicit_checkpoints} explicit checkpoints, \
         last checkpoint at seq {} of {}; {} keys expired and swept",
        st.last_checkpoint_seq, st.sequence, st.expired_keys
    );
    println!("  lost or wrong acknowledged writes: {lost} while running, {lost_after_reopen} after reopening");
    println!("  {:>7} {:>10} {:>7} {:>12} {:>12}", "secs", "ops", "keys", "memory_bytes", "rss");
    for s in &samples {
        println!("  {:>7.1} {:>10} {:>7} {:>12} {:>12}", s.secs, s.ops, s.keys, mib(s.memory), mib(s.rss));
    }
    assert_eq!(lost, 0, "acknowledged writes were lost or wrong while running");
    assert_eq!(lost_after_reopen, 0, "acknowledged writes were lost after reopening");
    assert!(st.expired_keys > 0, "no key expired: the TTL path was not exercised");
    assert!(st.last_checkpoint_seq > 0, "no checkpoint ran");
    assert_flat("memory_bytes", &samples.iter().map(|s| s.memory).collect::<Vec<_>>(), 0.25, 1 << 20);
    assert_flat("RSS", &samples.iter().map(|s| s.rss).collect::<Vec<_>>(), 0.25, 16 << 20);
}
