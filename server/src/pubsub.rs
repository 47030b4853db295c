//! Publish/subscribe: who listens to which channels and patterns, and delivery of PUBLISH.
//!
//! Each connection owns one queue of messages (`Subs::rx`) that its task drains while it also
//! waits for input, so a message reaches an idle subscriber at once. PUBLISH only appends to
//! the subscribers' queues and never waits for them: a subscriber that does not read falls
//! behind on its own. Its queue is bounded by bytes, as Redis's
//! `client-output-buffer-limit pubsub` bounds a subscriber's output buffer: a subscriber with
//! more than [`limit`] bytes queued and unwritten is disconnected, and PUBLISH goes on.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use parking_lot::RwLock;
use tokio::sync::mpsc;

use crate::glob;
use crate::resp::Out;
use crate::state::{ClientMeta, ServerState};

/// Bytes a subscriber may have queued and not yet written before it is disconnected: Redis's
/// default hard limit for pubsub clients (`client-output-buffer-limit pubsub 32mb 8mb 60`),
/// lowered to the server's `Limits::max_output_bytes` when that is smaller.
pub const PUBSUB_HARD_LIMIT: usize = 32 * 1024 * 1024;

/// The pubsub output limit of this server.
pub fn limit(state: &ServerState) -> usize {
    PUBSUB_HARD_LIMIT.min(state.config.limits.max_output_bytes)
}

/// What a subscriber receives.
pub enum Msg {
    Message { channel: Arc<[u8]>, payload: Arc<[u8]> },
    PMessage { pattern: Arc<[u8]>, channel: Arc<[u8]>, payload: Arc<[u8]> },
}

impl Msg {
    /// About the bytes it takes once encoded (the framing is a few dozen bytes at most).
    fn size(&self) -> usize {
        match self {
            Msg::Message { channel, payload } => channel.len() + payload.len() + 40,
            Msg::PMessage { pattern, channel, payload } => pattern.len() + channel.len() + payload.len() + 56,
        }
    }

    /// Encodes it as Redis does: a RESP2 array, or a RESP3 push.
    pub fn encode(&self, out: &mut Out) {
        match self {
            Msg::Message { channel, payload } => {
                push_header(out, 3);
                out.bulk(b"message");
                out.bulk(channel);
                out.bulk(payload);
            }
            Msg::PMessage { pattern, channel, payload } => {
                push_header(out, 4);
                out.bulk(b"pmessage");
                out.bulk(pattern);
                out.bulk(channel);
                out.bulk(payload);
            }
        }
    }
}

/// The header of an out-of-band message of `n` items: a push (`>`) in RESP3, an array in RESP2.
pub fn push_header(out: &mut Out, n: usize) {
    out.buf.push(if out.resp3 { b'>' } else { b'*' });
    out.buf.extend_from_slice(n.to_string().as_bytes());
    out.buf.extend_from_slice(b"\r\n");
}

/// A (p)subscribe or (p)unsubscribe confirmation: `[kind, name, count]`, with a null name for an
/// unsubscribe from nothing.
pub fn confirm(out: &mut Out, kind: &str, name: Option<&[u8]>, count: usize) {
    push_header(out, 3);
    out.bulk(kind.as_bytes());
    match name {
        Some(n) => out.bulk(n),
        None => out.null(),
    }
    out.int(count as i64);
}

/// The sending end of one connection's queue, as the registry holds it.
pub struct Subscriber {
    meta: Arc<ClientMeta>,
    tx: mpsc::UnboundedSender<Msg>,
    /// Bytes queued and not yet taken by the connection.
    queued: AtomicUsize,
}

impl Subscriber {
    /// Queues `msg`, or disconnects the subscriber if it is too far behind.
    fn deliver(&self, msg: Msg, limit: usize) {
        if self.meta.killed.load(Ordering::Acquire) {
            return;
        }
        let size = msg.size();
        if self.queued.fetch_add(size, Ordering::AcqRel) + size > limit {
            tracing::warn!(
                "closing subscriber {} ({}): over the pubsub output limit of {} bytes",
                self.meta.id,
                self.meta.addr,
                limit
            );
            self.meta.killed.store(true, Ordering::Release);
            self.meta.kill.notify_one();
            return;
        }
        // The connection may be closing: then the message has nobody to go to.
        let _ = self.tx.send(msg);
    }
}

/// One connection's subscriptions and the receiving end of its queue.
pub struct Subs {
    me: Arc<Subscriber>,
    /// Taken by the connection task, which waits on it.
    pub rx: Option<mpsc::UnboundedReceiver<Msg>>,
    pub channels: HashSet<Vec<u8>>,
    pub patterns: HashSet<Vec<u8>>,
}

impl Subs {
    pub fn new(meta: Arc<ClientMeta>) -> Subs {
        let (tx, rx) = mpsc::unbounded_channel();
        let me = Arc::new(Subscriber { meta, tx, queued: AtomicUsize::new(0) });
        Subs { me, rx: Some(rx), channels: HashSet::new(), patterns: HashSet::new() }
    }

    /// Channels and patterns subscribed to, as the confirmations count them.
    pub fn count(&self) -> usize {
        self.channels.len() + self.patterns.len()
    }

    /// The connection took `msg` from its queue and is about to write it.
    pub fn taken(&self, msg: &Msg) {
        self.me.queued.fetch_sub(msg.size(), Ordering::AcqRel);
    }
}

type Listeners = HashMap<Vec<u8>, HashMap<u64, Arc<Subscriber>>>;

#[derive(Default)]
struct Inner {
    channels: Listeners,
    patterns: Listeners,
}

/// Every subscription of the server.
#[derive(Default)]
pub struct Hub {
    inner: RwLock<Inner>,
}

impl Hub {
    /// Subscribes to a channel (`pattern` false) or pattern; false if it already was.
    pub fn subscribe(&self, subs: &mut Subs, name: &[u8], pattern: bool) -> bool {
        let mine = if pattern { &mut subs.patterns } else { &mut subs.channels };
        if !mine.insert(name.to_vec()) {
            return false;
        }
        let mut inner = self.inner.write();
        let map = if pattern { &mut inner.patterns } else { &mut inner.channels };
        map.entry(name.to_vec()).or_default().insert(subs.me.meta.id, subs.me.clone());
        true
    }

    /// Unsubscribes from a channel or pattern; false if it was not subscribed.
    pub fn unsubscribe(&self, subs: &mut Subs, name: &[u8], pattern: bool) -> bool {
        let mine = if pattern { &mut subs.patterns } else { &mut subs.channels };
        if !mine.remove(name) {
            return false;
        }
        let mut inner = self.inner.write();
        let map = if pattern { &mut inner.patterns } else { &mut inner.channels };
        if let Some(m) = map.get_mut(name) {
            m.remove(&subs.me.meta.id);
            if m.is_empty() {
                map.remove(name);
            }
        }
        true
    }

    /// Drops every subscription of a connection (it closed, or RESET).
    pub fn drop_all(&self, subs: &mut Subs) {
        if subs.count() == 0 {
            return;
        }
        let id = subs.me.meta.id;
        let mut guard = self.inner.write();
        let inner = &mut *guard;
        for (mine, map) in [(&mut subs.channels, &mut inner.channels), (&mut subs.patterns, &mut inner.patterns)] {
            for name in mine.drain() {
                if let Some(m) = map.get_mut(&name) {
                    m.remove(&id);
                    if m.is_empty() {
                        map.remove(&name);
                    }
                }
            }
        }
    }

    /// Delivers a message to the channel's subscribers, then to those of each matching pattern
    /// (Redis's order), and returns how many deliveries there were.
    pub fn publish(&self, channel: &[u8], payload: &[u8], limit: usize) -> usize {
        let inner = self.inner.read();
        let mut n = 0;
        let (channel_a, payload_a): (Arc<[u8]>, Arc<[u8]>) = (channel.into(), payload.into());
        if let Some(m) = inner.channels.get(channel) {
            for s in m.values() {
                s.deliver(Msg::Message { channel: channel_a.clone(), payload: payload_a.clone() }, limit);
                n += 1;
            }
        }
        for (pattern, m) in &inner.patterns {
            if !glob::matches(pattern, channel, false) {
                continue;
            }
            let pattern_a: Arc<[u8]> = pattern.as_slice().into();
            for s in m.values() {
                let msg = Msg::PMessage {
                    pattern: pattern_a.clone(),
                    channel: channel_a.clone(),
                    payload: payload_a.clone(),
                };
                s.deliver(msg, limit);
                n += 1;
            }
        }
        n
    }

    /// PUBSUB CHANNELS: the channels with at least one subscriber, matching `pattern` if given.
    pub fn channels(&self, pattern: Option<&[u8]>) -> Vec<Vec<u8>> {
        let inner = self.inner.read();
        inner.channels.keys().filter(|c| pattern.is_none_or(|p| glob::matches(p, c, false))).cloned().collect()
    }

    /// PUBSUB NUMSUB: the subscribers of a channel (patterns not counted, as in Redis).
    pub fn numsub(&self, channel: &[u8]) -> usize {
        self.inner.read().channels.get(channel).map_or(0, HashMap::len)
    }

    /// INFO's `pubsub_channels` and `pubsub_patterns`: the channels and the distinct patterns
    /// with at least one subscriber.
    pub fn counts(&self) -> (usize, usize) {
        let inner = self.inner.read();
        (inner.channels.len(), inner.patterns.len())
    }

    /// PUBSUB NUMPAT: distinct patterns subscribed to.
    pub fn numpat(&self) -> usize {
        self.inner.read().patterns.len()
    }
}
