//! `CommandSpec`, the declaration of one command, and `command_table!`, with which each command
//! family declares its commands beside their handlers, one line per command, as Redis's command
//! reference does: name, arity, flags, key positions, since, handler and summary; the group is
//! given once per family. Flags and groups are typed, so a misspelt one does not compile.
//!
//! ```text
//! pub(super) const COMMANDS: &[CommandSpec] = command_table! { group: String;
//!     // name arity  flags            keys        since    handler  summary
//!     "get"   2      [READONLY FAST]  (1, 1, 1)   "1.0.0"  get      "Returns the string value of a key.";
//!     "mget"  -2     [READONLY FAST]  (1, -1, 1)  "1.0.0"  mget     "Atomically returns the values of keys.";
//! };
//! ```
//!
//! Arity counts the command name; a negative arity means "at least". Keys are Redis's first key,
//! last key (negative: counted from the end) and step, or `-` for a command without keys. Each
//! entry stays on one line, however long, so that the table reads as a table.

use super::Handler;

bitflags::bitflags! {
    /// What a command is (as COMMAND reports it), and how the server runs it.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub struct Flags: u8 {
        /// Changes data.
        const WRITE = 1 << 0;
        /// Only reads data.
        const READONLY = 1 << 1;
        /// Changes how the server runs.
        const ADMIN = 1 << 2;
        /// Allowed before the client has authenticated.
        const NO_AUTH = 1 << 3;
        /// Takes constant or logarithmic time.
        const FAST = 1 << 4;
        /// Refused inside MULTI.
        const NO_MULTI = 1 << 5;
        /// Runs at once inside MULTI instead of being queued (MULTI, EXEC, WATCH...). Not a Redis
        /// flag, so COMMAND does not show it.
        const RUNS_IN_MULTI = 1 << 6;
        /// May block the client (BLPOP...).
        const BLOCKING = 1 << 7;
    }
}

/// The flags COMMAND shows, with their Redis names, in the order it shows them.
const SHOWN: [(Flags, &str); 7] = [
    (Flags::WRITE, "write"),
    (Flags::READONLY, "readonly"),
    (Flags::ADMIN, "admin"),
    (Flags::NO_AUTH, "no-auth"),
    (Flags::FAST, "fast"),
    (Flags::NO_MULTI, "no-multi"),
    (Flags::BLOCKING, "blocking"),
];

impl Flags {
    /// The Redis names of the flags COMMAND shows, in its order.
    pub fn shown(self) -> impl Iterator<Item = &'static str> {
        SHOWN.into_iter().filter(move |(f, _)| self.contains(*f)).map(|(_, name)| name)
    }
}

/// The command groups of Redis's command reference that ScaloDB's commands belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Cluster,
    Connection,
    Generic,
    Hash,
    List,
    Pubsub,
    Server,
    Set,
    SortedSet,
    String,
    Transactions,
}

impl Group {
    /// The name COMMAND DOCS reports.
    pub fn name(self) -> &'static str {
        match self {
            Group::Cluster => "cluster",
            Group::Connection => "connection",
            Group::Generic => "generic",
            Group::Hash => "hash",
            Group::List => "list",
            Group::Pubsub => "pubsub",
            Group::Set => "set",
            Group::SortedSet => "sorted-set",
            Group::Server => "server",
            Group::String => "string",
            Group::Transactions => "transactions",
        }
    }
}

/// Which arguments of a command are keys (argument 0 is the name), as COMMAND reports them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keys {
    /// The first key's position; 0: the command takes no keys.
    pub first: i32,
    /// The last key's position; negative: counted from the end (-1 is the last argument).
    pub last: i32,
    /// The distance between keys (2 for MSET's key, value, key...).
    pub step: i32,
}

impl Keys {
    pub const NONE: Keys = Keys { first: 0, last: 0, step: 0 };
}

/// One command: what COMMAND and COMMAND DOCS report of it, and its handler.
pub struct CommandSpec {
    pub name: &'static str,
    /// Arguments including the name; negative: at least that many.
    pub arity: i32,
    pub flags: Flags,
    pub keys: Keys,
    pub group: Group,
    /// The Redis version that introduced the command.
    pub since: &'static str,
    pub summary: &'static str,
    pub handler: Handler,
}

impl CommandSpec {
    pub fn has(&self, flag: Flags) -> bool {
        self.flags.contains(flag)
    }

    /// Which of `n` arguments (the name is argument 0) are keys.
    pub fn key_positions(&self, n: usize) -> Vec<usize> {
        let Keys { first, last, step } = self.keys;
        if first <= 0 || step <= 0 {
            return Vec::new();
        }
        let last = if last < 0 { n as i32 + last } else { last.min(n as i32 - 1) };
        (first..=last).step_by(step as usize).map(|i| i as usize).collect()
    }

    pub fn arity_ok(&self, n: usize) -> bool {
        let n = n as i32;
        if self.arity >= 0 {
            n == self.arity
        } else {
            n >= -self.arity
        }
    }
}

/// Declares a family's commands: see the top of this file for the columns.
macro_rules! command_table {
    (group: $group:ident; $(
        $name:literal $arity:literal [$($flag:ident)*] $keys:tt $since:literal $handler:ident $summary:literal;
    )*) => {
        &[$($crate::commands::spec::CommandSpec {
            name: $name,
            arity: $arity,
            flags: $crate::commands::spec::Flags::empty()$(.union($crate::commands::spec::Flags::$flag))*,
            keys: command_table!(@keys $keys),
            group: $crate::commands::spec::Group::$group,
            since: $since,
            summary: $summary,
            handler: $handler,
        }),*]
    };
    (@keys -) => {
        $crate::commands::spec::Keys::NONE
    };
    (@keys ($first:literal, $last:literal, $step:literal)) => {
        $crate::commands::spec::Keys { first: $first, last: $last, step: $step }
    };
}

pub(super) use command_table;

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(arity: i32, keys: Keys) -> CommandSpec {
        fn nothing(
            _: &mut super::super::Ctx<'_>,
            _: super::super::args::Args<'_>,
            _: &mut crate::resp::Out,
        ) -> super::super::CmdResult {
            Ok(())
        }
        CommandSpec {
            name: "x",
            arity,
            flags: Flags::empty(),
            keys,
            group: Group::Generic,
            since: "",
            summary: "",
            handler: nothing,
        }
    }

    #[test]
    fn key_positions_follow_first_last_and_step() {
        assert_eq!(spec(2, Keys { first: 1, last: 1, step: 1 }).key_positions(2), [1]);
        assert_eq!(spec(-3, Keys { first: 1, last: -1, step: 2 }).key_positions(5), [1, 3]);
        assert_eq!(spec(3, Keys { first: 1, last: 2, step: 1 }).key_positions(3), [1, 2]);
        assert!(spec(1, Keys::NONE).key_positions(1).is_empty());
    }

    #[test]
    fn a_negative_arity_is_a_minimum() {
        assert!(spec(-2, Keys::NONE).arity_ok(2) && spec(-2, Keys::NONE).arity_ok(7));
        assert!(!spec(-2, Keys::NONE).arity_ok(1));
        assert!(spec(2, Keys::NONE).arity_ok(2) && !spec(2, Keys::NONE).arity_ok(3));
    }

    #[test]
    fn command_shows_its_flags_in_a_fixed_order_without_the_internal_ones() {
        let flags = Flags::FAST | Flags::RUNS_IN_MULTI | Flags::NO_AUTH | Flags::WRITE;
        assert_eq!(flags.shown().collect::<Vec<_>>(), ["write", "no-auth", "fast"]);
        assert_eq!(Flags::all().shown().count(), SHOWN.len());
    }
}
