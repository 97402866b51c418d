//! URLs as inputs: one GET with a timeout, a size cap, a bounded number of redirects,
//! gzip/brotli, and a User-Agent naming moderato and its version (ureq, rustls).
//!
//! The fetch time is the page's capture time: relative stamps ("2 hours ago") resolve
//! against it unless `--now` says otherwise.

use chrono::{DateTime, Utc};
use std::time::Duration;

/// Limits of a fetch.
#[derive(Debug, Clone, Copy)]
pub struct FetchLimits {
    /// The whole exchange, connect to last byte.
    pub timeout: Duration,
    /// Largest body accepted (after decompression).
    pub max_bytes: u64,
    /// Redirects followed.
    pub max_redirects: u32,
}

impl Default for FetchLimits {
    fn default() -> Self {
        FetchLimits { timeout: Duration::from_secs(30), max_bytes: 32 << 20, max_redirects: 5 }
    }
}

/// A fetched document.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The URL after redirects.
    pub final_url: String,
    /// The body's bytes.
    pub bytes: Vec<u8>,
    /// The Content-Type's media type, lower-case.
    pub mime: Option<String>,
    /// The Content-Type's charset.
    pub charset: Option<String>,
    /// When the response arrived.
    pub at: DateTime<Utc>,
}

/// True when an input name is a URL to fetch.
pub fn is_url(name: &str) -> bool {
    let lower = name.get(..8).unwrap_or(name).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The User-Agent sent with every fetch.
pub fn user_agent() -> String {
    format!("moderato/{} (+https://github.com/moderato/moderato)", env!("CARGO_PKG_VERSION"))
}

/// Fetches a URL. Errors say what went wrong in words: the HTTP status, a timeout, a body
/// over the cap, too many redirects, a content type that is not a page.
pub fn fetch(url: &str, limits: FetchLimits) -> Result<Fetched, String> {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(limits.timeout))
        .max_redirects(limits.max_redirects)
        .user_agent(user_agent())
        .http_status_as_error(false)
        .build();
    let agent: ureq::Agent = config.into();
    let mut resp = agent.get(url).call().map_err(|e| describe(&e, limits))?;
    let status = resp.status();
    if !status.is_success() {
        return Err(format!(
            "HTTP {} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("")
        )
        .trim_end()
        .to_string());
    }
    let final_url = {
        use ureq::ResponseExt;
        resp.get_uri().to_string()
    };
    let mime = resp.body().mime_type().map(str::to_ascii_lowercase);
    let charset = resp.body().charset().map(str::to_string);
    if let Some(m) = &mime {
        let page = m.starts_with("text/") || m.contains("html") || m.contains("xml");
        if !page {
            return Err(format!("content type {m} is not a web page"));
        }
    }
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(limits.max_bytes)
        .read_to_vec()
        .map_err(|e| describe(&e, limits))?;
    Ok(Fetched { final_url, bytes, mime, charset, at: Utc::now() })
}

fn describe(e: &ureq::Error, limits: FetchLimits) -> String {
    match e {
        ureq::Error::Timeout(_) => format!("no complete answer within {:?}", limits.timeout),
        ureq::Error::BodyExceedsLimit(_) => {
            format!("the page is larger than the {} MiB cap", limits.max_bytes >> 20)
        }
        ureq::Error::TooManyRedirects => {
            format!("more than {} redirects", limits.max_redirects)
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("https://example.org/a") && is_url("HTTP://x"));
        assert!(!is_url("page.html") && !is_url("-") && !is_url("http"));
        assert!(user_agent().starts_with("moderato/"));
    }
}
