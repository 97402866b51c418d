//! End-to-end tests of the `moderato` binary, one module per subcommand.

mod archive;
mod audit;
mod fit;
mod hostile;
mod html;
mod lang;
mod layouts;
mod lexicon;
mod model;
mod moderation;
mod parse;
mod report;
mod scale;
#[cfg(feature = "serve")]
mod serve;
mod tone;
mod util;
