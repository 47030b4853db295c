//! The event listener (`Db::set_event_listener`) and the TTL counters behind INFO's `expires`:
//! every kind of event the engine reports without fault injection arrives, with the figures of
//! what the test did; `ttl_summary` follows puts, expires, persists, deletes and reopens.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use scalodb::{Db, Event, EventListener, Options, SyncMode};

#[derive(Default)]
struct Collect(Mutex<Vec<Event>>);

impl EventListener for Collect {
    fn on_event(&self, event: &Event) {
        self.0.lock().unwrap().push(event.clone());
    }
}

impl Collect {
    /// Waits (bounded) for an event `pick` accepts: delivery is on the store's own thread.
    fn wait_for(&self, what: &str, pick: impl Fn(&Event) -> bool) -> Event {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(e) = self.0.lock().unwrap().iter().find(|e| pick(e)) {
                return e.clone();
            }
            assert!(Instant::now() < deadline, "no {what} event; got {:?}", self.0.lock().unwrap());
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

#[test]
fn listener_gets_recovery_checkpoint_fsync_rotation_and_growth_events() {
    let dir = tempfile::tempdir().unwrap();
    let opts = || Options {
        sync: SyncMode::Always,
        wal_segment_size: 64 * 1024,
        auto_checkpoint: false,
        ..Options::default()
    };
    {
        let db = Db::open_with(dir.path(), opts()).unwrap();
        for i in 0..50u32 {
            db.put(i.to_be_bytes(), [7u8; 100]).unwrap();
        }
    }
    let db = Db::open_with(dir.path(), opts()).unwrap();
    let events = Arc::new(Collect::default());
    db.set_slow_fsync_threshold(Duration::ZERO);
    db.set_event_listener(Some(events.clone())).unwrap();
    match events.wait_for("recovery", |e| matches!(e, Event::Recovered { .. })) {
        Event::Recovered { records_replayed, torn_records, checkpoint_keys, .. } => {
            assert_eq!((records_replayed, torn_records, checkpoint_keys), (50, 0, 0));
        }
        _ => unreachable!(),
    }
    // 2,000 records of ~1 KiB pass several 64 KiB segments and grow the hash index.
    for i in 0..2_000u32 {
        db.put(format!("k{i}"), [1u8; 1000]).unwrap();
    }
    events.wait_for("fsync", |e| matches!(e, Event::SlowFsync { .. }));
    events.wait_for("rotation", |e| matches!(e, Event::LogRotated { segment, .. } if *segment > 1));
    events.wait_for("index growth", |e| matches!(e, Event::IndexGrown { capacity, .. } if *capacity > 0));
    db.checkpoint().unwrap();
    events.wait_for("checkpoint start", |e| matches!(e, Event::CheckpointStarted { .. }));
    match events.wait_for("checkpoint end", |e| matches!(e, Event::CheckpointFinished { .. })) {
        Event::CheckpointFinished { keys, bytes, .. } => {
            assert_eq!(keys, 2_050);
            assert!(bytes > 2_000 * 1000, "{bytes}");
        }
        _ => unreachable!(),
    }
    // Removing the listener stops delivery.
    db.set_event_listener(None).unwrap();
    let seen = events.0.lock().unwrap().len();
    db.put("after", "x").unwrap();
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(events.0.lock().unwrap().len(), seen);
}

#[test]
fn ttl_summary_counts_keys_with_a_ttl_through_every_kind_of_write() {
    let dir = tempfile::tempdir().unwrap();
    let hour = Duration::from_secs(3600);
    {
        let db = Db::open(dir.path()).unwrap();
        assert_eq!(db.ttl_summary().unwrap(), (0, 0));
        db.put("plain", "v").unwrap();
        db.put_with_ttl("a", "v", hour).unwrap();
        db.put_with_ttl("b", "v", hour).unwrap();
        db.put_with_ttl("c", "v", hour).unwrap();
        let (n, avg) = db.ttl_summary().unwrap();
        assert_eq!(n, 3);
        assert!(avg > 3_500_000 && avg <= 3_600_000, "{avg}");
        db.put("a", "no ttl any more").unwrap(); // a plain SET drops the TTL
        db.persist("b").unwrap();
        assert!(db.expire("plain", hour * 2).unwrap());
        db.delete("c").unwrap();
        assert_eq!(db.ttl_summary().unwrap().0, 1);
        db.put_with_ttl("d", "v", hour).unwrap();
        db.put_with_ttl("gone", "v", Duration::from_millis(1)).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        // The expired key is buried before counting.
        assert_eq!(db.ttl_summary().unwrap().0, 2);
    }
    // Reopened from the log...
    let db = Db::open(dir.path()).unwrap();
    assert_eq!(db.ttl_summary().unwrap().0, 2);
    db.checkpoint().unwrap();
    drop(db);
    // ...and from a checkpoint.
    let db = Db::open(dir.path()).unwrap();
    assert_eq!(db.ttl_summary().unwrap().0, 2);
    db.clear().unwrap();
    assert_eq!(db.ttl_summary().unwrap(), (0, 0));
}
