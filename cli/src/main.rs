//! `scalodb`: the command-line tool. Each subcommand opens the store in DIR, does one thing, and
//! exits with a code scripts can test (see `EXIT CODES` in `scalodb --help`).

mod dump;
mod escape;
mod hot_backup;
mod progress;
mod serve;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand};
use scalodb::{Db, Error, Options};

use escape::escape;

type Entry = (Vec<u8>, Vec<u8>);

const AFTER_HELP: &str = "EXIT CODES:
  0  success
  1  the key was not found (get, del)
  2  bad usage
  3  the store is corrupt (the message names the file and offset)
  4  any other error (the store is locked by another process, an I/O error...)";

#[derive(Parser)]
#[command(name = "scalodb", version, about = "Inspect, verify, dump, load and back up ScaloDB stores", after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the value of KEY (raw bytes on stdout).
    Get { dir: PathBuf, key: String },
    /// Set KEY to VALUE.
    Put {
        dir: PathBuf,
        key: String,
        value: String,
        /// Expire the key after this many seconds.
        #[arg(long)]
        ttl: Option<u64>,
    },
    /// Delete KEY.
    Del { dir: PathBuf, key: String },
    /// List keys and values in order, one `key<TAB>value` line each (bytes that are not
    /// printable ASCII are written as \xNN, backslash as \\).
    Scan {
        dir: PathBuf,
        /// Only keys starting with this prefix.
        #[arg(long)]
        prefix: Option<String>,
        /// Only keys >= START.
        #[arg(long)]
        start: Option<String>,
        /// Only keys < END.
        #[arg(long)]
        end: Option<String>,
        /// Newest key first.
        #[arg(long)]
        reverse: bool,
        /// Stop after N entries.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Print counts and sizes.
    Stats {
        dir: PathBuf,
        /// One JSON object (`{"keys": 12, ...}`) for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Check every checkpoint entry and log record without changing anything (exit code 3 on
    /// corruption).
    Verify {
        dir: PathBuf,
        /// One JSON object for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Write every key, value and expiry to stdout in the portable dump format (docs/FORMAT.md).
    Dump { dir: PathBuf },
    /// Read a dump from stdin and write its entries into the store.
    Load { dir: PathBuf },
    /// Copy the store into the new or empty directory DEST; works while another process has the
    /// store open and is writing to it.
    Backup { dir: PathBuf, dest: PathBuf },
    /// Serve the store over the Redis protocol (redis-cli, redis-benchmark and every Redis client
    /// library work) until SIGINT or SIGTERM.
    Serve {
        /// Address to listen on (port 0 picks a free port).
        #[arg(long, default_value = "127.0.0.1:6379")]
        addr: String,
        /// The store's directory (created if missing).
        #[arg(long, default_value = "./scalodb-data")]
        dir: PathBuf,
        /// Password clients must give with AUTH.
        #[arg(long)]
        requirepass: Option<String>,
        /// Clients connected at once at most.
        #[arg(long, default_value_t = 1000)]
        max_conns: usize,
        /// When writes reach stable storage.
        #[arg(long, value_enum, default_value = "interval")]
        sync: serve::Sync,
        /// Accept clients from other machines without a password (protected mode off).
        #[arg(long)]
        no_protected_mode: bool,
        /// `emulated`: answer CLUSTER SLOTS/SHARDS/NODES/INFO/KEYSLOT as a cluster of one node
        /// owning every slot, so cluster clients (RedisCluster, ClusterClient) connect.
        #[arg(long, value_enum, default_value = "off")]
        cluster_mode: serve::ClusterMode,
        /// Also listen on this Unix socket (`redis-cli -s PATH`).
        #[arg(long)]
        unixsocket: Option<PathBuf>,
        /// How much to log, with Redis's level names.
        #[arg(long, value_enum, default_value = "notice")]
        loglevel: serve::LogLevel,
        /// Append the log to this file instead of stderr.
        #[arg(long)]
        logfile: Option<PathBuf>,
        /// Serve Prometheus metrics at http://HOST:PORT/metrics.
        #[arg(long)]
        metrics_addr: Option<String>,
        /// Who may run DEBUG (DEBUG SLEEP blocks a server thread).
        #[arg(long, value_enum, default_value = "no")]
        enable_debug_command: serve::DebugCommand,
    },
    /// Print the shell completion script for SHELL (`make install` installs them).
    #[command(hide = true)]
    Completions { shell: clap_complete::Shell },
    /// Print the man page, in roff (`make install` installs it).
    #[command(hide = true)]
    Man,
}

fn open(dir: &PathBuf) -> Result<Db, Error> {
    if !dir.is_dir() {
        return Err(Error::InvalidArgument(format!("{} is not a directory (no store there)", dir.display())));
    }
    Db::open_with(dir, Options::default())
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let mut out = std::io::stdout().lock();
    let io = |e: std::io::Error| Error::Io { context: "writing to stdout".into(), source: e };
    match cli.command {
        Command::Get { dir, key } => match open(&dir)?.get(&key)? {
            Some(v) => {
                out.write_all(&v).map_err(io)?;
                if std::io::IsTerminal::is_terminal(&out) {
                    out.write_all(b"\n").map_err(io)?;
                }
            }
            None => {
                eprintln!("scalodb: key {key:?} not found");
                return Ok(ExitCode::from(1));
            }
        },
        Command::Put { dir, key, value, ttl } => {
            std::fs::create_dir_all(&dir)
                .map_err(|e| Error::Io { context: format!("creating {}", dir.display()), source: e })?;
            let db = Db::open(&dir)?;
            match ttl {
                Some(s) => db.put_with_ttl(&key, &value, Duration::from_secs(s))?,
                None => db.put(&key, &value)?,
            }
            db.close()?;
        }
        Command::Del { dir, key } => {
            let db = open(&dir)?;
            if !db.delete(&key)? {
                eprintln!("scalodb: key {key:?} not found");
                return Ok(ExitCode::from(1));
            }
            db.close()?;
        }
        Command::Scan { dir, prefix, start, end, reverse, limit } => {
            let db = open(&dir)?;
            let iter = match (prefix, start, end) {
                (Some(p), None, None) => db.scan_prefix(p)?,
                (None, start, end) => {
                    use std::ops::Bound::*;
                    let lo = start.map_or(Unbounded, |s| Included(s.into_bytes()));
                    let hi = end.map_or(Unbounded, |e| Excluded(e.into_bytes()));
                    db.scan((lo, hi))?
                }
                _ => return Err(Error::InvalidArgument("use --prefix, or --start/--end, not both".into())),
            };
            let entries: Box<dyn Iterator<Item = scalodb::Result<Entry>>> =
                if reverse { Box::new(iter.rev()) } else { Box::new(iter) };
            for entry in entries.take(limit.unwrap_or(usize::MAX)) {
                let (k, v) = entry?;
                writeln!(out, "{}\t{}", escape(&k), escape(&v)).map_err(io)?;
            }
        }
        Command::Stats { dir, json } => {
            let db = open(&dir)?;
            let st = db.stats()?;
            if json {
                let (expiring, avg_ttl_ms) = db.ttl_summary()?;
                let fields: Vec<String> = st
                    .fields()
                    .chain([("keys_with_ttl", expiring), ("avg_ttl_ms", avg_ttl_ms)])
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect();
                writeln!(out, "{{{}}}", fields.join(",")).map_err(io)?;
            } else {
                writeln!(out, "{st:#?}").map_err(io)?;
            }
        }
        Command::Verify { dir, json: true } => {
            let r = verify_with_bar(&dir);
            let r = r?;
            writeln!(
                out,
                "{{\"ok\":true,\"checkpoint_seq\":{},\"checkpoint_entries\":{},\"segments\":{},\"records\":{},\
                 \"last_seq\":{},\"torn_tail\":{}}}",
                r.checkpoint_seq.map_or("null".to_string(), |s| s.to_string()),
                r.checkpoint_entries,
                r.segments,
                r.records,
                r.last_seq,
                r.torn_tail
            )
            .map_err(io)?;
        }
        Command::Verify { dir, json: false } => {
            let r = verify_with_bar(&dir);
            let r = r?;
            writeln!(
                out,
                "ok: checkpoint {} with {} entries, {} log segments, {} records after it, last sequence {}{}",
                r.checkpoint_seq.map_or("none".to_string(), |s| format!("at sequence {s}")),
                r.checkpoint_entries,
                r.segments,
                r.records,
                r.last_seq,
                if r.torn_tail { ", and a torn record at the end that opening will cut off" } else { "" }
            )
            .map_err(io)?;
        }
        Command::Dump { dir } => {
            let db = open(&dir)?;
            let pb = progress::keys("dumping", db.stats()?.keys);
            let n = dump::dump(&db, &mut out, &pb)?;
            pb.finish();
            eprintln!("scalodb: dumped {n} keys");
        }
        Command::Load { dir } => {
            std::fs::create_dir_all(&dir)
                .map_err(|e| Error::Io { context: format!("creating {}", dir.display()), source: e })?;
            let db = Db::open(&dir)?;
            let stdin = std::io::stdin();
            // The size is known when stdin is a file (`< dump.txt`), not when it is a pipe.
            let size = std::fs::metadata("/dev/stdin").ok().filter(|m| m.is_file()).map(|m| m.len());
            let pb = progress::bytes("loading", size);
            let n = dump::load(&db, std::io::BufReader::new(pb.wrap_read(stdin.lock())), &pb)?;
            pb.finish_with_message(format!("loaded {n} keys"));
            db.close()?;
            eprintln!("scalodb: loaded {n} keys");
        }
        Command::Serve {
            addr,
            dir,
            requirepass,
            max_conns,
            sync,
            no_protected_mode,
            cluster_mode,
            unixsocket,
            loglevel,
            logfile,
            metrics_addr,
            enable_debug_command,
        } => serve::serve(serve::ServeArgs {
            loglevel,
            logfile,
            metrics_addr,
            addr,
            dir,
            requirepass,
            max_conns,
            sync,
            protected_mode: !no_protected_mode,
            cluster_mode,
            unix_socket: unixsocket,
            enable_debug_command,
        })?,
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "scalodb", &mut out);
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(&mut out).map_err(io)?;
        }
        Command::Backup { dir, dest } => {
            let what = format!("backing up {} to {}", dir.display(), dest.display());
            let result = match open(&dir) {
                Ok(db) => {
                    let pb = progress::keys(&what, 0);
                    let r = db
                        .backup_with_progress(&dest, |done, total| {
                            pb.set_length(total.max(done));
                            pb.set_position(done);
                        })
                        .and_then(|()| db.close());
                    pb.finish_and_clear();
                    r
                }
                // Another process has it open: copy its files while it runs.
                Err(Error::Locked { .. }) => {
                    let pb = progress::bytes(&what, Some(0));
                    let r = hot_backup::copy_live_store(&dir, &dest, &mut |done, total| {
                        pb.set_length(total.max(done));
                        pb.set_position(done);
                    });
                    pb.finish_and_clear();
                    r
                }
                Err(e) => Err(e),
            };
            result?
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `scalodb::verify` with a bar of the bytes read (drawn only on a terminal).
fn verify_with_bar(dir: &std::path::Path) -> scalodb::Result<scalodb::VerifyReport> {
    let pb = progress::bytes("verifying", Some(0));
    let r = scalodb::verify_with_progress(dir, |done, total| {
        pb.set_length(total.max(done));
        pb.set_position(done);
    });
    pb.finish_and_clear();
    r
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("scalodb: {e}");
            match e {
                Error::Corruption { .. } => ExitCode::from(3),
                Error::InvalidArgument(_) => ExitCode::from(2),
                _ => ExitCode::from(4),
            }
        }
    }
}
