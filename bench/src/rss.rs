//! The resident memory of this process, from /proc/self/status: what the
//! child reports as the memory figures of its engine.

/// VmRSS: resident set size now.
pub fn current_bytes() -> Option<u64> {
    status_kib("VmRSS:").map(|kib| kib * 1024)
}

/// VmHWM: the highest resident set size so far.
pub fn peak_bytes() -> Option<u64> {
    status_kib("VmHWM:").map(|kib| kib * 1024)
}

/// The value in KiB of the line starting with `field` in /proc/self/status.
fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_both() {
        let now = super::current_bytes().unwrap();
        let peak = super::peak_bytes().unwrap();
        assert!(now > 0 && peak >= now);
    }
}
