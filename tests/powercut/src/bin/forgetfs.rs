//! `forgetfs BACKING MOUNTPOINT CONTROL_SOCKET [--arm KIND:N|step:N|KIND@PATH:N [strict|random SEED|tear SEED]]`
//!
//! Mounts a FUSE filesystem at MOUNTPOINT that passes every operation through to BACKING and
//! remembers what a power cut would take back (see `src/forget/mod.rs`). Commands on the Unix
//! socket CONTROL_SOCKET cut the power (`src/forget/control.rs`). Prints `ready` once mounted and
//! exits 0 when unmounted (`fusermount3 -u MOUNTPOINT`); any other exit is the filesystem's own
//! failure.

use std::io::Write;
use std::os::unix::net::UnixListener;
use std::sync::{Arc, Mutex};

use fuser::{Config, MountOption, Session};
use scalodb_powercut::forget::fuse::ForgetFs;
use scalodb_powercut::forget::{CutMode, Forget, Trigger};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: forgetfs BACKING MOUNTPOINT CONTROL_SOCKET [--arm KIND:N|step:N|KIND@PATH:N [strict|random SEED|tear SEED]]";
    if args.len() < 4 {
        eprintln!("{usage}");
        std::process::exit(2);
    }
    let mut model = Forget::open(args[1].as_ref()).unwrap_or_else(|e| {
        eprintln!("forgetfs: cannot use {} as the backing directory: {e}", args[1]);
        std::process::exit(1)
    });
    if args.get(4).map(String::as_str) == Some("--arm") {
        let words: Vec<&str> = args[6..].iter().map(String::as_str).collect();
        let trigger = args.get(5).and_then(|spec| Trigger::parse(spec, CutMode::parse(&words)?)).unwrap_or_else(|| {
            eprintln!("{usage}");
            std::process::exit(2)
        });
        model.arm(trigger);
    }
    let _ = std::fs::remove_file(&args[3]);
    let listener = UnixListener::bind(&args[3]).unwrap_or_else(|e| {
        eprintln!("forgetfs: cannot listen on {}: {e}", args[3]);
        std::process::exit(1)
    });
    let state = Arc::new(Mutex::new(model));
    let mut config = Config::default();
    config.mount_options = vec![MountOption::FSName("forgetfs".into()), MountOption::Subtype("forgetfs".into())];
    // Mounted and the kernel's INIT answered when this returns.
    let session = Session::new(ForgetFs { state: state.clone() }, &args[2], &config).unwrap_or_else(|e| {
        eprintln!("forgetfs: cannot mount on {}: {e} (needs /dev/fuse and fusermount3 from fuse3)", args[2]);
        std::process::exit(1)
    });
    scalodb_powercut::forget::control::spawn(state, listener).unwrap_or_else(|e| {
        eprintln!("forgetfs: cannot start the control thread: {e}");
        std::process::exit(1)
    });
    println!("ready");
    let _ = std::io::stdout().flush();
    if let Err(e) = session.run() {
        eprintln!("forgetfs: the session ended with an error: {e}");
        std::process::exit(1);
    }
    let _ = std::fs::remove_file(&args[3]);
}
