//! `moderato serve`: the moderation service, answering the Perspective API's
//! `comments:analyze` and `comments:suggestscore`, Coral's external moderation phase and a
//! plain `/v1/audit`, with the lexicon of `--lexicon` (reloaded live). See
//! [`crate::service`] and the README's "Replacing the Perspective API".

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Result};
use clap::Args;

use super::{common, GlobalOpts};
use crate::error::Outcome;
use crate::service::server::{self, Config};

/// Arguments of `moderato serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port, printed at start). Beyond loopback the
    /// service needs --keys or --coral-secrets, or --allow-open.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// API keys the scoring routes accept, one per line (`#` comments); passed as `?key=`,
    /// `x-goog-api-key` or `Authorization: Bearer`. Re-read on SIGHUP.
    #[arg(long, value_name = "FILE")]
    pub keys: Option<PathBuf>,
    /// Coral signing secrets for `POST /coral`, one per line (several while rotating).
    /// Re-read on SIGHUP.
    #[arg(long, value_name = "FILE")]
    pub coral_secrets: Option<PathBuf>,
    /// Serve the scoring routes without keys beyond loopback.
    #[arg(long)]
    pub allow_open: bool,
    /// Append moderators' decisions from `comments:suggestscore` to FILE (JSONL with `text`
    /// and `label`, as `lexicon eval --labels` reads).
    #[arg(long, value_name = "FILE")]
    pub labels_out: Option<PathBuf>,
    /// Languages requests may name (ISO 639-1, comma-separated). Default: en and every
    /// language the lexicon's rules are limited to.
    #[arg(long, value_name = "LIST")]
    pub languages: Option<String>,
    /// Longest comment text scored, in bytes (Perspective's limit is 20 KB).
    #[arg(long, value_name = "BYTES", default_value_t = crate::service::DEFAULT_MAX_TEXT)]
    pub max_text: usize,
    /// Largest request body, in bytes (413 beyond).
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub max_body: usize,
    /// Most texts in one `/v1/audit` batch.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub max_batch: usize,
    /// Milliseconds a client has to send its request headers (also the idle time allowed
    /// between requests on a kept-alive connection).
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub header_timeout: u64,
    /// Milliseconds a client has to send its request body.
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    pub body_timeout: u64,
    /// Most open connections (further ones wait to be accepted).
    #[arg(long, value_name = "N", default_value_t = 4096)]
    pub max_connections: usize,
    /// Most requests in progress at once (further ones wait).
    #[arg(long, value_name = "N", default_value_t = 1024)]
    pub max_inflight: usize,
    /// Seconds between checks for changed lexicon files (0: reload on SIGHUP only).
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    pub watch_interval: f64,
    /// Log one line per request (route, status, time; never the text).
    #[arg(long)]
    pub log_requests: bool,
    /// Log the texts of requests that do not say `doNotStore: true`.
    #[arg(long)]
    pub log_text: bool,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// Runs `serve` until SIGTERM or SIGINT.
pub fn run(args: &ServeArgs, global: &GlobalOpts) -> Result<Outcome> {
    if global.format.is_some() {
        bail!("serve: --format does not apply (the service answers JSON)");
    }
    let languages = match &args.languages {
        Some(list) => {
            let langs: Vec<String> = list
                .split(',')
                .map(|l| l.trim().to_ascii_lowercase())
                .filter(|l| !l.is_empty())
                .collect();
            if langs.is_empty() || langs.iter().any(|l| l.len() != 2 || !l.is_ascii()) {
                bail!("--languages {list:?}: give ISO 639-1 codes, e.g. en,de");
            }
            Some(langs)
        }
        None => None,
    };
    if !(args.watch_interval >= 0.0 && args.watch_interval.is_finite()) {
        bail!("--watch-interval {}: give a number of seconds, 0 or more", args.watch_interval);
    }
    if args.max_text == 0 || args.max_body == 0 {
        bail!("--max-text and --max-body must be at least 1");
    }
    let config = Config {
        listen: args.listen,
        lexicon_paths: global.lexicon.clone(),
        model: common::model(global)?,
        tones: common::tone_languages(global)?,
        languages,
        max_text: args.max_text,
        max_body: args.max_body,
        max_batch: args.max_batch,
        keys_file: args.keys.clone(),
        secrets_file: args.coral_secrets.clone(),
        allow_open: args.allow_open,
        labels_out: args.labels_out.clone(),
        header_timeout: Duration::from_millis(args.header_timeout.max(1)),
        body_timeout: Duration::from_millis(args.body_timeout.max(1)),
        max_connections: args.max_connections,
        max_inflight: args.max_inflight,
        watch_interval: (args.watch_interval > 0.0)
            .then(|| Duration::from_secs_f64(args.watch_interval)),
        log_requests: args.log_requests,
        log_text: args.log_text,
        threads: common::threads(args.threads),
        shutdown_grace: Duration::from_secs(30),
    };
    server::run(config, |_| {})?;
    Ok(Outcome::Clean)
}
