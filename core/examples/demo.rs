//! A first program: opens a store in `./scalodb-data` (or the directory given as the first
//! argument), writes a batch of sessions and one with a TTL, reads them back in key order, and
//! prints the store's stats. `cargo run -p scalodb --example demo`.

use std::time::Duration;

use scalodb::{Db, WriteBatch};

fn main() -> scalodb::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "scalodb-data".to_string());
    let db = Db::open(&dir)?;
    let runs = db.get("demo:runs")?.map_or(0, |v| String::from_utf8_lossy(&v).parse::<u64>().unwrap_or(0)) + 1;
    db.put("demo:runs", runs.to_string())?;
    let mut batch = WriteBatch::new();
    for user in ["alice", "bob", "carol"] {
        batch.put(format!("session:{user}"), format!("{{\"user\":\"{user}\",\"run\":{runs}}}"));
    }
    db.write(batch)?;
    db.put_with_ttl("session:guest", "{\"user\":\"guest\"}", Duration::from_secs(30))?;
    println!("ScaloDB demo: store in ./{dir}, run number {runs}");
    for entry in db.scan_prefix("session:")? {
        let (k, v) = entry?;
        println!("  {} = {}", String::from_utf8_lossy(&k), String::from_utf8_lossy(&v));
    }
    println!("{:#?}", db.stats()?);
    db.close()
}
