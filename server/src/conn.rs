//! One client connection: read what is available, run every complete request in it (a
//! pipeline), and write all their replies with one write call per batch.
//!
//! Memory per client stays bounded: the read buffer holds at most one request over the caps of
//! [`super::config::Limits`], and replies are flushed whenever they pass `FLUSH_AT` bytes; while
//! a client does not read its replies the connection waits on the write and reads nothing more,
//! so the client's own pipeline backs up instead of the server's memory.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{mpsc, watch};

use super::blocking::{BlockRequest, Blocked, Waiter};

use super::commands::{account, args::Args, execute, lookup_id, CommandSpec};
use super::grouped;
use super::pubsub::Msg;
use super::resp::{Out, ParseLimits, Parser};
use super::session::{ReplyMode, Session};
use super::state::{ClientMeta, ServerState};

/// Room made in the read buffer before each read.
const READ_CHUNK: usize = 16 * 1024;
/// Replies are written out once this many bytes are waiting.
const FLUSH_AT: usize = 64 * 1024;
/// Buffers grown past this by one big request are shrunk back when the client goes quiet.
const KEEP_CAPACITY: usize = 1024 * 1024;
/// Plain SETs of one pipeline committed together at most (bounds the log record and the wait
/// of the first SET's reply).
const MAX_SET_BATCH: usize = 256;
/// How long replies may take to drain once the server is stopping.
const STOP_GRACE: Duration = Duration::from_secs(2);
/// While blocked (BLPOP...), the connection keeps reading only to notice a disconnect; what the
/// client sends meanwhile waits in the buffer, up to this much beyond what is parsed.
const BLOCKED_READ_CAP: usize = 1024 * 1024;

/// The table entry of SET, for the batched plain SETs.
fn set_spec() -> (usize, &'static CommandSpec) {
    static SET: std::sync::OnceLock<(usize, &'static CommandSpec)> = std::sync::OnceLock::new();
    *SET.get_or_init(|| lookup_id(b"set").expect("SET is in the command table"))
}

/// Serves one client until it disconnects, breaks the protocol, idles too long or the server
/// stops.
pub async fn serve<S>(
    stream: S,
    peer: SocketAddr,
    laddr: SocketAddr,
    state: Arc<ServerState>,
    shutdown: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let id = state.next_client_id.fetch_add(1, Ordering::Relaxed);
    let meta = Arc::new(ClientMeta {
        id,
        addr: peer,
        laddr,
        created: std::time::Instant::now(),
        name: Default::default(),
        lib_name: Default::default(),
        lib_ver: Default::default(),
        last_active_ms: Default::default(),
        resp3: Default::default(),
        killed: Default::default(),
        kill: Default::default(),
    });
    state.clients.lock().insert(id, meta.clone());
    let authenticated = state.config.password.is_none();
    let mut conn = Conn { stream, state: state.clone(), shutdown, session: Session::new(meta, authenticated) };
    // An I/O error or timeout only ends this connection; there is nobody to report it to.
    let _ = conn.run().await;
    state.pubsub.drop_all(&mut conn.session.subs);
    conn.session.pending.flush(&state.cmdstats);
    state.clients.lock().remove(&id);
    state.connected.fetch_sub(1, Ordering::AcqRel);
}

struct Conn<S> {
    stream: S,
    state: Arc<ServerState>,
    shutdown: watch::Receiver<bool>,
    session: Session,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Conn<S> {
    async fn run(&mut self) -> io::Result<()> {
        let state = self.state.clone();
        let l = &state.config.limits;
        let full = ParseLimits {
            max_args: l.max_args,
            max_bulk_len: l.max_bulk_len,
            max_request_bytes: l.max_request_bytes,
            max_inline_len: l.max_inline_len,
        };
        let unauth = ParseLimits {
            max_args: l.unauth_max_args.min(l.max_args),
            max_bulk_len: l.unauth_max_bulk_len.min(l.max_bulk_len),
            max_request_bytes: l.unauth_max_bulk_len.saturating_mul(l.unauth_max_args).min(l.max_request_bytes),
            max_inline_len: l.unauth_max_bulk_len.min(l.max_inline_len),
        };
        let idle = state.idle_timeout();
        let mut buf: Vec<u8> = Vec::with_capacity(READ_CHUNK);
        let mut start = 0;
        let mut parser = Parser::new();
        let mut out = Out::new();
        // Absolute spans (name, key, value) in `buf` of plain SETs not yet committed.
        let mut sets: Vec<[(usize, usize); 3]> = Vec::new();
        // Absolute spans of typed writes not yet committed (`grouped.rs`).
        let mut typed: Vec<Vec<(usize, usize)>> = Vec::new();
        // This connection's pub/sub messages (see `pubsub.rs`).
        let mut rx = self.session.subs.rx.take().expect("the queue is taken once");
        loop {
            let mut commands = 0;
            loop {
                let lim = if self.session.authenticated { &full } else { &unauth };
                match parser.parse(&buf[start..], lim) {
                    Ok(Some(n)) => {
                        let spans = parser.args();
                        if self.is_plain_set(&buf[start..], spans) {
                            self.commit_typed(&buf, &mut typed, &mut out);
                            let abs = |i: usize| (start + spans[i].0, start + spans[i].1);
                            sets.push([abs(0), abs(1), abs(2)]);
                            if sets.len() >= MAX_SET_BATCH {
                                self.commit_sets(&buf, &mut sets, &mut out);
                            }
                            commands += 1;
                        } else if grouped::groupable(&self.session, &buf[start..], spans) {
                            self.commit_sets(&buf, &mut sets, &mut out);
                            typed.push(spans.iter().map(|&(a, b)| (start + a, start + b)).collect());
                            if typed.len() >= grouped::MAX_GROUP {
                                self.commit_typed(&buf, &mut typed, &mut out);
                            }
                            commands += 1;
                        } else if !spans.is_empty() {
                            self.commit_sets(&buf, &mut sets, &mut out);
                            self.commit_typed(&buf, &mut typed, &mut out);
                            self.run_one(Args::Spans { buf: &buf[start..], spans }, &mut out);
                            commands += 1;
                        }
                        start += n;
                        if let Some(req) = self.session.block.take() {
                            // The rest of the pipeline waits until this command is answered.
                            self.flush(&mut out, idle).await?;
                            if !self.wait_blocked(req, &mut buf, &mut rx, &mut out).await? {
                                return Ok(());
                            }
                        }
                        if out.buf.len() > l.max_output_bytes {
                            // Like Redis's client-output-buffer-limit: drop the client.
                            return Err(io::Error::other("output buffer limit reached"));
                        }
                        if self.session.quit || self.session.meta.killed.load(Ordering::Acquire) {
                            self.commit_sets(&buf, &mut sets, &mut out);
                            self.commit_typed(&buf, &mut typed, &mut out);
                            return self.flush(&mut out, idle).await;
                        }
                        if out.buf.len() >= FLUSH_AT {
                            self.flush(&mut out, idle).await?;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        self.commit_sets(&buf, &mut sets, &mut out);
                        self.commit_typed(&buf, &mut typed, &mut out);
                        tracing::debug!("closing client {} after a protocol error: {}", self.session.meta.addr, e.0);
                        out.error(&e.0);
                        return self.flush(&mut out, idle).await;
                    }
                }
            }
            self.commit_sets(&buf, &mut sets, &mut out);
            self.commit_typed(&buf, &mut typed, &mut out);
            ServerState::add(&state.total_commands, commands);
            self.session.pending.flush(&state.cmdstats);
            self.flush(&mut out, idle).await?;
            if *self.shutdown.borrow() {
                // Every complete request received has run and been answered.
                return Ok(());
            }
            if start == buf.len() {
                buf.clear();
            } else if start > 0 {
                buf.drain(..start);
            }
            start = 0;
            if buf.capacity() > KEEP_CAPACITY && buf.len() < READ_CHUNK && !parser.in_progress() {
                buf.shrink_to(READ_CHUNK);
            }
            if out.buf.capacity() > KEEP_CAPACITY {
                out.buf = Vec::with_capacity(FLUSH_AT);
            }
            buf.reserve(READ_CHUNK);
            // A subscriber waits for messages, not input: no idle timeout for it (as in Redis).
            let idle_now = if self.session.subs.count() > 0 { None } else { idle };
            let n = tokio::select! {
                biased;
                r = read_some(&mut self.stream, &mut buf, idle_now) => r?,
                _ = self.shutdown.changed() => return Ok(()),
                _ = self.session.meta.kill.notified() => return Ok(()),
                Some(msg) = rx.recv() => {
                    self.write_messages(msg, &mut rx, &mut out).await?;
                    continue;
                }
            };
            if n == 0 {
                return Ok(());
            }
            ServerState::add(&state.net_input_bytes, n as u64);
            let ms = self.session.meta.created.elapsed().as_millis() as u64;
            self.session.meta.last_active_ms.store(ms, Ordering::Relaxed);
        }
    }

    /// Writes a pub/sub message and whatever else is already queued behind it (up to a flush's
    /// worth), then flushes.
    async fn write_messages(
        &mut self,
        first: Msg,
        rx: &mut mpsc::UnboundedReceiver<Msg>,
        out: &mut Out,
    ) -> io::Result<()> {
        let mut next = Some(first);
        while let Some(msg) = next {
            self.session.subs.taken(&msg);
            msg.encode(out);
            next = if out.buf.len() < FLUSH_AT { rx.try_recv().ok() } else { None };
        }
        let idle = self.state.idle_timeout();
        self.flush(out, idle).await
    }

    /// Waits, blocked, until a write serves `req` (see `blocking.rs`) or its timeout, and puts
    /// its reply in `out`. Meanwhile it keeps reading, to notice a disconnect, and writes pub/sub
    /// messages. False: the connection must close (disconnect, CLIENT KILL, server stopping);
    /// the client leaves the registry then, having taken nothing.
    async fn wait_blocked(
        &mut self,
        req: BlockRequest,
        buf: &mut Vec<u8>,
        rx: &mut mpsc::UnboundedReceiver<Msg>,
        out: &mut Out,
    ) -> io::Result<bool> {
        let state = self.state.clone();
        let deadline = req.deadline;
        let waiter = match state.blocked.block(&state, req, out.resp3) {
            Blocked::Now(reply, pushed) => {
                out.buf.extend_from_slice(&reply);
                if let Some(dst) = pushed {
                    state.signal_keys(vec![dst]);
                }
                return Ok(true);
            }
            Blocked::Waiting(w) => w,
        };
        let _leave = Leave { state: &state, waiter: &waiter };
        // The far future stands for "no timeout"; that branch is disabled then anyway.
        let until = deadline.map_or_else(|| tokio::time::Instant::now() + Duration::from_secs(86_400), Into::into);
        let sleep = tokio::time::sleep_until(until);
        tokio::pin!(sleep);
        enum Event {
            Close,
            Served,
            TimedOut,
            Read(io::Result<usize>),
            Message(Msg),
        }
        loop {
            let reading = buf.len() < BLOCKED_READ_CAP;
            let event = tokio::select! {
                biased;
                _ = self.shutdown.changed() => Event::Close,
                _ = self.session.meta.kill.notified() => Event::Close,
                _ = waiter.served.notified() => Event::Served,
                _ = &mut sleep, if deadline.is_some() => Event::TimedOut,
                r = read_some(&mut self.stream, buf, None), if reading => Event::Read(r),
                Some(msg) = rx.recv() => Event::Message(msg),
            };
            match event {
                Event::Close => return Ok(false),
                Event::Served => {
                    if let Some(reply) = state.blocked.finish(&waiter) {
                        out.buf.extend_from_slice(&reply);
                        return Ok(true);
                    }
                }
                Event::TimedOut => {
                    // Served at the last moment, or a null array (Redis's timeout reply).
                    match state.blocked.finish(&waiter) {
                        Some(reply) => out.buf.extend_from_slice(&reply),
                        None => out.null_array(),
                    }
                    return Ok(true);
                }
                Event::Read(r) => {
                    let n = r?;
                    if n == 0 {
                        return Ok(false);
                    }
                    ServerState::add(&state.net_input_bytes, n as u64);
                }
                Event::Message(msg) => self.write_messages(msg, rx, out).await?,
            }
        }
    }

    /// Runs one request and applies CLIENT REPLY to its reply.
    fn run_one(&mut self, args: Args<'_>, out: &mut Out) {
        let (mark, mode) = (out.buf.len(), self.session.reply);
        execute(&self.state, &mut self.session, args, out);
        match (mode, self.session.reply) {
            (ReplyMode::On, _) | (ReplyMode::Off, ReplyMode::On) => {}
            (ReplyMode::Off, _) => out.buf.truncate(mark),
            (ReplyMode::SkipNext, after) => {
                out.buf.truncate(mark);
                if after == ReplyMode::SkipNext {
                    self.session.reply = ReplyMode::On;
                }
            }
        }
    }

    /// A `SET key value` with no options, outside MULTI, from an authenticated client with
    /// replies on: it can join the pipeline's batch of SETs.
    fn is_plain_set(&self, buf: &[u8], spans: &[(usize, usize)]) -> bool {
        spans.len() == 3
            && buf[spans[0].0..spans[0].1].eq_ignore_ascii_case(b"set")
            && self.session.authenticated
            && self.session.multi.is_none()
            && self.session.reply == ReplyMode::On
    }

    /// Commits the pending plain SETs as one atomic batch and answers each, in order. If the
    /// batch fails (a full disk, a memory limit, an oversize key...), each SET runs on its own
    /// instead, so each gets exactly the reply it would have had alone.
    fn commit_sets(&mut self, buf: &[u8], sets: &mut Vec<[(usize, usize); 3]>, out: &mut Out) {
        if sets.is_empty() {
            return;
        }
        let pairs: Vec<(&[u8], &[u8])> = sets.iter().map(|s| (&buf[s[1].0..s[1].1], &buf[s[2].0..s[2].1])).collect();
        let started = std::time::Instant::now();
        if self.state.db.put_many(&pairs).is_ok() {
            let took = started.elapsed();
            // The batch is timed as one; each SET is accounted its share. Only a slow log that
            // wants them costs per-SET work.
            let set = set_spec();
            let n = sets.len() as u64;
            if self.state.slowlog.wants((took / n as u32).as_micros() as u64)
                || self.state.latency.wants(took.as_millis() as u64)
            {
                for s in sets.iter() {
                    account(
                        &self.state,
                        &mut self.session,
                        set,
                        Args::Spans { buf, spans: s },
                        1,
                        took / n as u32,
                        true,
                    );
                }
            } else {
                account(&self.state, &mut self.session, set, Args::Spans { buf, spans: &sets[0] }, n, took, true);
            }
            for _ in 0..sets.len() {
                out.ok();
            }
        } else {
            for s in sets.iter() {
                self.run_one(Args::Spans { buf, spans: s }, out);
            }
        }
        sets.clear();
    }

    /// Commits the pending typed writes together (`grouped.rs`), or runs each on its own.
    fn commit_typed(&mut self, buf: &[u8], typed: &mut Vec<Vec<(usize, usize)>>, out: &mut Out) {
        if typed.is_empty() {
            return;
        }
        if !grouped::commit(&self.state, &mut self.session, buf, typed, out) {
            for spans in typed.iter() {
                self.run_one(Args::Spans { buf, spans }, out);
            }
        }
        typed.clear();
    }

    /// Writes every pending reply. While the server stops, a client that does not read gets
    /// `STOP_GRACE` to drain before it is dropped.
    async fn flush(&mut self, out: &mut Out, idle: Option<Duration>) -> io::Result<()> {
        let mut pos = 0;
        while pos < out.buf.len() {
            let stopping = *self.shutdown.borrow();
            let limit = if stopping { Some(idle.map_or(STOP_GRACE, |d| d.min(STOP_GRACE))) } else { idle };
            let write = self.stream.write(&out.buf[pos..]);
            let n = if stopping {
                with_timeout(limit, write).await?
            } else {
                tokio::select! {
                    biased;
                    r = with_timeout(limit, write) => r?,
                    // Stopping: go round again with the grace period as the limit.
                    _ = self.shutdown.changed() => continue,
                    // CLIENT KILL of a client that does not read its replies.
                    _ = self.session.meta.kill.notified() => return Err(io::Error::other("killed by CLIENT KILL")),
                }
            };
            if n == 0 {
                return Err(io::ErrorKind::WriteZero.into());
            }
            ServerState::add(&self.state.net_output_bytes, n as u64);
            pos += n;
        }
        out.buf.clear();
        Ok(())
    }
}

async fn with_timeout<T>(
    limit: Option<Duration>,
    f: impl std::future::Future<Output = io::Result<T>>,
) -> io::Result<T> {
    match limit {
        None => f.await,
        Some(d) => tokio::time::timeout(d, f).await.map_err(|_| io::Error::from(io::ErrorKind::TimedOut))?,
    }
}

async fn read_some<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    idle: Option<Duration>,
) -> io::Result<usize> {
    with_timeout(idle, stream.read_buf(buf)).await
}

/// Takes a blocked client out of the registry however its wait ends (an error or a
/// cancellation included).
struct Leave<'a> {
    state: &'a ServerState,
    waiter: &'a std::sync::Arc<Waiter>,
}

impl Drop for Leave<'_> {
    fn drop(&mut self) {
        // A reply a writer left here just now has nobody to go to: the connection is closing.
        let _ = self.state.blocked.finish(self.waiter);
    }
}
