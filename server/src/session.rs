//! `Session`: what the server remembers about one connection between its commands.

use std::sync::Arc;

use super::blocking::BlockRequest;
use super::commands::kv::TxStore;
use super::pubsub::Subs;
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
    /// Channels and patterns subscribed to, and the queue their messages arrive on.
    pub subs: Subs,
    /// Set by a blocking command that found nothing: the connection blocks once it returns.
    pub block: Option<BlockRequest>,
    /// Commands running now, one inside the other (EXEC runs its queue at depth 2); only a
    /// command at depth 1 may block.
    pub depth: u32,
    /// Keys written by the commands of the current request, whose blocked clients are served
    /// once it is done (after EXEC's commit, not in the middle of it).
    pub touched: Vec<Vec<u8>>,
}

impl Session {
    pub fn new(meta: Arc<ClientMeta>, authenticated: bool) -> Session {
        let subs = Subs::new(meta.clone());
        Session {
            meta,
            authenticated,
            multi: None,
            multi_failed: false,
            watch: None,
            quit: false,
            reply: ReplyMode::On,
            pending: Default::default(),
            subs,
            block: None,
            depth: 0,
            touched: Vec::new(),
        }
    }
}
