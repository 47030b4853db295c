//! `Session`: what the server remembers about one connection between its commands.

use std::sync::Arc;

use super::commands::kv::TxStore;
use super::state::ClientMeta;

/// CLIENT REPLY: whether replies are sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyMode {
    On,
    Off,
    /// The next command's reply is dropped, then replies are on again.
    SkipNext,
}

/// Per-connection state.
pub struct Session {
    pub meta: Arc<ClientMeta>,
    /// AUTH succeeded (always true when no password is set).
    pub authenticated: bool,
    /// Commands queued since MULTI (`None` outside MULTI).
    pub multi: Option<Vec<Vec<Vec<u8>>>>,
    /// A command queued after MULTI was refused, so EXEC must fail (EXECABORT).
    pub multi_failed: bool,
    /// The engine transaction WATCH began, holding the watched keys in its read set.
    pub watch: Option<TxStore>,
    /// Close after the replies so far are written (QUIT).
    pub quit: bool,
    pub reply: ReplyMode,
    /// This connection's command accounting not yet added to the shared counters.
    pub pending: crate::cmdstats::Pending,
}

impl Session {
    pub fn new(meta: Arc<ClientMeta>, authenticated: bool) -> Session {
        Session {
            meta,
            authenticated,
            multi: None,
            multi_failed: false,
            watch: None,
            quit: false,
            reply: ReplyMode::On,
            pending: Default::default(),
        }
    }
}
