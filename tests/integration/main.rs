//! End-to-end tests of the `moderato` binary, one module per subcommand.

mod layouts;
mod parse;
mod util;
