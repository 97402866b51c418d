//! End-to-end tests of the `moderato` binary, one module per subcommand.

mod parse;
mod report;
mod util;
