//! `Args`: the arguments of one command, borrowed from the read buffer (no copy) or from a
//! command queued by MULTI.

/// The arguments of a command; index 0 is the command name.
#[derive(Clone, Copy)]
pub enum Args<'a> {
    /// Spans into a read buffer.
    Spans { buf: &'a [u8], spans: &'a [(usize, usize)] },
    /// Owned copies (commands queued by MULTI).
    Owned(&'a [Vec<u8>]),
}

impl<'a> Args<'a> {
    pub fn len(&self) -> usize {
        match self {
            Args::Spans { spans, .. } => spans.len(),
            Args::Owned(v) => v.len(),
        }
    }

    pub fn get(&self, i: usize) -> &'a [u8] {
        match *self {
            Args::Spans { buf, spans } => {
                let (s, e) = spans[i];
                &buf[s..e]
            }
            Args::Owned(v) => &v[i],
        }
    }

    /// Arguments `from..` as slices.
    pub fn iter_from(&self, from: usize) -> impl Iterator<Item = &'a [u8]> + 'a {
        let this = *self;
        (from..this.len()).map(move |i| this.get(i))
    }

    pub fn to_owned_vec(self) -> Vec<Vec<u8>> {
        self.iter_from(0).map(<[u8]>::to_vec).collect()
    }

    /// Argument `i` as UTF-8 text, lowercased (for option names), or empty if not UTF-8.
    pub fn lower(&self, i: usize) -> String {
        String::from_utf8_lossy(self.get(i)).to_ascii_lowercase()
    }
}
