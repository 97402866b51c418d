//! End-to-end tests of the `moderato` binary, one module per subcommand.

mod audit;
mod layouts;
mod moderation;
mod parse;
mod report;
mod scale;
mod tone;
mod util;
