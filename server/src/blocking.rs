//! The registry of clients blocked in BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZPOPMIN,
//! BZPOPMAX and BZMPOP, and how a write serves them.
//!
//! A blocked client is queued, in the order it blocked, on each key it waits for. After a write
//! that may have added elements to a key (`signal`), the writer itself serves that key's queue
//! from the front, under the registry's lock: it runs each waiter's pop on the waiter's behalf
//! and hands it the encoded reply. Doing the pop in the writer, not in the woken client's task,
//! is what makes the order strict (the client that blocked first gets the element; a client
//! that was woken cannot lose it to another one that comes in meanwhile) and keeps a client
//! that disconnects from taking anything: it leaves the queue under the same lock before it
//! goes, so it is either served or gone, never both.
//!
//! Blocking also registers under that lock after one last try (`block`), so an element pushed
//! between a command's first try and its registration is not missed.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::Mutex;
use tokio::sync::Notify;

use crate::commands::args::Args;
use crate::commands::blocking::{serve, Served};
use crate::resp::Out;
use crate::state::ServerState;

/// What a blocking command waits for: its arguments (to run its pop again), its keys and when
/// it gives up (`None`: never).
pub struct BlockRequest {
    pub args: Vec<Vec<u8>>,
    pub keys: Vec<Vec<u8>>,
    pub deadline: Option<Instant>,
}

/// One blocked client.
pub struct Waiter {
    pub request: BlockRequest,
    pub resp3: bool,
    /// The reply of the pop the writer ran for this client, once served.
    reply: Mutex<Option<Vec<u8>>>,
    /// Wakes the client's connection once `reply` is set.
    pub served: Notify,
}

/// The outcome of `block`.
pub enum Blocked {
    /// The last try found something: this is the reply, and the key it pushed to (BLMOVE).
    Now(Vec<u8>, Option<Vec<u8>>),
    /// Queued; wait on `Waiter::served`, and call `finish` when done.
    Waiting(Arc<Waiter>),
}

/// Blocked clients by key, each queue in the order they blocked.
#[derive(Default)]
pub struct Registry {
    queues: Mutex<HashMap<Vec<u8>, VecDeque<Arc<Waiter>>>>,
    /// Clients blocked now, so that writes skip the lock when nobody waits (the usual case).
    blocked: AtomicUsize,
}

impl Registry {
    /// Whether any client is blocked (a hint: checked again under the lock).
    pub fn any(&self) -> bool {
        // Orders the caller's write before this read (the other half of `block`'s count).
        std::sync::atomic::fence(Ordering::SeqCst);
        self.blocked.load(Ordering::SeqCst) > 0
    }

    /// INFO's `blocked_clients` and `total_blocking_keys`: the clients blocked now, and the keys
    /// at least one of them waits for. Read under the lock, where the count is exact (a client
    /// counted for its last try in `block` is either queued or uncounted again before it is
    /// released).
    pub fn counts(&self) -> (usize, usize) {
        let queues = self.queues.lock();
        (self.blocked.load(Ordering::SeqCst), queues.len())
    }

    /// Runs the pop once more under the lock; if it finds nothing, queues the client on each of
    /// its keys.
    pub fn block(&self, state: &ServerState, request: BlockRequest, resp3: bool) -> Blocked {
        let mut queues = self.queues.lock();
        // Counted before the try: a writer that commits after the try reads a count above zero
        // and comes to the lock, where it finds this client queued; one that committed before
        // it is seen by the try.
        self.blocked.fetch_add(1, Ordering::SeqCst);
        let mut out = Out::new();
        out.resp3 = resp3;
        if let Served::Yes(pushed) = serve(state, Args::Owned(&request.args), &mut out, true) {
            self.blocked.fetch_sub(1, Ordering::SeqCst);
            return Blocked::Now(out.buf, pushed);
        }
        let waiter = Arc::new(Waiter { request, resp3, reply: Mutex::new(None), served: Notify::new() });
        for key in &waiter.request.keys {
            queues.entry(key.clone()).or_default().push_back(waiter.clone());
        }
        Blocked::Waiting(waiter)
    }

    /// Takes the client out of the queues (timeout, disconnect, served) and returns its reply if
    /// a writer served it meanwhile. Calling it again is harmless.
    pub fn finish(&self, waiter: &Arc<Waiter>) -> Option<Vec<u8>> {
        let mut queues = self.queues.lock();
        if let Some(reply) = waiter.reply.lock().take() {
            // `serve_key` already took it out of the queues.
            return Some(reply);
        }
        if self.unqueue(&mut queues, waiter) {
            self.blocked.fetch_sub(1, Ordering::SeqCst);
        }
        None
    }

    /// Removes `waiter` from each of its keys' queues; false if it was in none.
    fn unqueue(&self, queues: &mut HashMap<Vec<u8>, VecDeque<Arc<Waiter>>>, waiter: &Arc<Waiter>) -> bool {
        let mut found = false;
        for key in &waiter.request.keys {
            if let Some(q) = queues.get_mut(key) {
                let before = q.len();
                q.retain(|w| !Arc::ptr_eq(w, waiter));
                found |= q.len() != before;
                if q.is_empty() {
                    queues.remove(key);
                }
            }
        }
        found
    }

    /// Serves the clients blocked on `keys` (written by a command that just succeeded), and on
    /// the keys their own pops push to (BLMOVE's destination), until nobody waiting there can
    /// be served.
    pub fn signal(&self, state: &ServerState, keys: Vec<Vec<u8>>) {
        if !self.any() {
            return;
        }
        let mut queues = self.queues.lock();
        let mut todo: VecDeque<Vec<u8>> = keys.into();
        while let Some(key) = todo.pop_front() {
            self.serve_key(state, &mut queues, &key, &mut todo);
        }
    }

    /// Serves `key`'s queue from the front: each waiter's pop runs in turn; one that finds the
    /// wrong type stays queued and the next is tried (Redis serves a blocked client only from a
    /// key of its type); one that finds nothing at all means the key is empty, which ends it.
    fn serve_key(
        &self,
        state: &ServerState,
        queues: &mut HashMap<Vec<u8>, VecDeque<Arc<Waiter>>>,
        key: &[u8],
        todo: &mut VecDeque<Vec<u8>>,
    ) {
        let mut i = 0;
        loop {
            let Some(waiter) = queues.get(key).and_then(|q| q.get(i)).cloned() else { return };
            let mut out = Out::new();
            out.resp3 = waiter.resp3;
            // The waiter pops from its first non-empty key, as BLPOP does when it is woken; that
            // may be another of its keys than this one, which is just as right.
            match serve(state, Args::Owned(&waiter.request.args), &mut out, false) {
                Served::Yes(pushed) => {
                    self.unqueue(queues, &waiter);
                    self.blocked.fetch_sub(1, Ordering::SeqCst);
                    *waiter.reply.lock() = Some(out.buf);
                    waiter.served.notify_one();
                    if let Some(dst) = pushed {
                        todo.push_back(dst);
                    }
                    // Whoever is now at `i` is next (the served waiter left the queue).
                }
                Served::No { wrong_type: true } => i += 1,
                Served::No { wrong_type: false } => return,
            }
        }
    }
}
