//! The HTTP server of `moderato serve`: routes, limits, keys, live lexicons, shutdown.
//!
//! The one part of the service that touches the network, the clock, signals and files.
//! Built on tokio, hyper (HTTP/1.1, with a header read timeout) and axum's router:
//!
//! - **Limits**: a connection cap (`--max-connections`: the accept loop waits for a free
//!   slot), a cap on requests in progress (`--max-inflight`), a header read timeout and a body
//!   read timeout (a slow client cannot hold a worker), a body cap (413) and a text cap (400).
//!   Scoring runs on the worker that read the request: a comment takes microseconds, and the
//!   text cap bounds the worst case.
//! - **Keys**: the scoring routes need a key from `--keys FILE` (`?key=`, `x-goog-api-key`, or
//!   `Authorization: Bearer`); without `--keys` they are open only on loopback or with
//!   `--allow-open`. `/coral` needs a signature under a `--coral-secrets` secret.
//! - **Live lexicons**: SIGHUP, or a change to a lexicon file (checked every
//!   `--watch-interval`), compiles the lexicon again on a blocking thread; a lexicon with
//!   errors is refused (logged with file:line) and the old one keeps serving; a good one is
//!   swapped in atomically (a request holds the engine it started with).
//! - **Shutdown**: SIGTERM or SIGINT stop the accept loop; requests in flight finish.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use arc_swap::{ArcSwap, ArcSwapOption};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;

use super::coral::{self, Secrets};
use super::metrics::Metrics;
use super::perspective::{self, AnalyzeRequest, SuggestRequest};
use super::{ApiError, Engine, Keys};
use crate::lang::ToneLanguages;
use crate::lexicon::Lexicon;
use crate::report::escape;

/// Everything `serve` is told on its command line, checked.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen.
    pub listen: SocketAddr,
    /// Lexicon files (none: the built-in lexicon).
    pub lexicon_paths: Vec<PathBuf>,
    /// The toxicity model every loaded lexicon gets (`None`: no toxicity scores).
    pub model: Option<crate::model::Model>,
    /// Languages whose texts get a tone score.
    pub tones: ToneLanguages,
    /// Languages requests may name (`None`: English and the lexicon's rule languages).
    pub languages: Option<Vec<String>>,
    /// Longest comment text, bytes.
    pub max_text: usize,
    /// Largest request body, bytes.
    pub max_body: usize,
    /// Most texts in one `/v1/audit` batch.
    pub max_batch: usize,
    /// API keys file.
    pub keys_file: Option<PathBuf>,
    /// Coral signing secrets file.
    pub secrets_file: Option<PathBuf>,
    /// Serve the scoring routes without keys beyond loopback.
    pub allow_open: bool,
    /// Where `comments:suggestscore` appends the moderators' decisions (JSONL).
    pub labels_out: Option<PathBuf>,
    /// Time a client has to send its request headers.
    pub header_timeout: Duration,
    /// Time a client has to send its request body.
    pub body_timeout: Duration,
    /// Most open connections.
    pub max_connections: usize,
    /// Most requests in progress.
    pub max_inflight: usize,
    /// How often to look for changed lexicon files (`None`: only on SIGHUP).
    pub watch_interval: Option<Duration>,
    /// Log one line per request (never the text).
    pub log_requests: bool,
    /// Log the texts of requests that do not say `doNotStore`.
    pub log_text: bool,
    /// Worker threads.
    pub threads: usize,
    /// Time in-flight requests get to finish after SIGTERM.
    pub shutdown_grace: Duration,
}

/// What the handlers share.
struct Shared {
    engine: ArcSwap<Engine>,
    keys: ArcSwapOption<Keys>,
    secrets: ArcSwapOption<Secrets>,
    config: Config,
    metrics: Metrics,
    labels: Option<Mutex<std::fs::File>>,
    /// Scoring routes open without keys.
    open: bool,
}

/// A log line on stderr, with the time.
fn log(msg: &str) {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
    eprintln!("{now} moderato serve: {}", escape::message(msg));
}

fn read_keys(path: &PathBuf) -> anyhow::Result<Keys> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("--keys {}: {e}", path.display()))?;
    Keys::parse(&text).map_err(|e| anyhow::anyhow!("--keys {}: {e}", path.display()))
}

fn read_secrets(path: &PathBuf) -> anyhow::Result<Secrets> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("--coral-secrets {}: {e}", path.display()))?;
    Secrets::parse(&text).map_err(|e| anyhow::anyhow!("--coral-secrets {}: {e}", path.display()))
}

fn load_lexicon(
    paths: &[PathBuf],
    model: Option<crate::model::Model>,
) -> Result<Lexicon, crate::lexicon::LexiconError> {
    let lex = if paths.is_empty() { Lexicon::builtin() } else { Lexicon::load(paths)? };
    let lex = lex.with_model(model);
    // Served all the same (the service keeps running), but said in the log at start and at
    // each reload, like the warning the other commands print.
    if let Some(w) = lex.model_mismatch() {
        log(&format!("warning: {w}"));
    }
    Ok(lex)
}

fn engine(config: &Config, lexicon: Lexicon) -> Engine {
    Engine::new(lexicon, config.tones.clone(), config.languages.clone(), config.max_text)
}

/// Runs the service until SIGTERM or SIGINT. `ready` is called with the bound address once
/// the socket listens (port 0 picks a free port). Errors at start (a lexicon with errors, an
/// unreadable keys file, a refused open listen, an address in use) are returned.
pub fn run(config: Config, ready: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    let loopback = config.listen.ip().is_loopback();
    if !loopback
        && config.keys_file.is_none()
        && config.secrets_file.is_none()
        && !config.allow_open
    {
        anyhow::bail!(
            "serve: listening on {} (beyond loopback) with neither --keys nor --coral-secrets \
             would let anyone score texts; give one of them, or --allow-open to accept that",
            config.listen
        );
    }
    let lexicon = load_lexicon(&config.lexicon_paths, config.model.clone())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let keys = config.keys_file.as_ref().map(read_keys).transpose()?;
    let secrets = config.secrets_file.as_ref().map(read_secrets).transpose()?;
    let labels = match &config.labels_out {
        Some(p) => Some(Mutex::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .map_err(|e| anyhow::anyhow!("--labels-out {}: {e}", p.display()))?,
        )),
        None => None,
    };
    let metrics = Metrics::new();
    let engine = engine(&config, lexicon);
    metrics.lexicon(engine.info());
    let shared = Arc::new(Shared {
        engine: ArcSwap::from_pointee(engine),
        keys: ArcSwapOption::from(keys.map(Arc::new)),
        secrets: ArcSwapOption::from(secrets.map(Arc::new)),
        open: loopback || config.allow_open,
        labels,
        metrics,
        config,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(shared.config.threads.max(1))
        .enable_all()
        .build()?;
    runtime.block_on(serve(shared, ready))
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1alpha1/comments:analyze", post(analyze))
        .route("/v1alpha1/comments:suggestscore", post(suggest))
        .route("/coral", post(coral_phase))
        .route("/v1/audit", post(audit))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(shared.config.max_inflight.max(1)))
        .layer(axum::middleware::from_fn_with_state(shared.clone(), track))
        .with_state(shared)
}

async fn serve(shared: Arc<Shared>, ready: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(shared.config.listen)
        .await
        .map_err(|e| anyhow::anyhow!("serve: cannot listen on {}: {e}", shared.config.listen))?;
    let addr = listener.local_addr()?;
    let e = shared.engine.load();
    log(&format!(
        "listening on http://{addr} (lexicon {} {}, fingerprint {}; keys: {}; coral secrets: {})",
        e.info().name,
        e.info().version.as_deref().unwrap_or("-"),
        e.info().fingerprint,
        shared.keys.load().as_ref().map_or("none".to_string(), |k| k.len().to_string()),
        shared.secrets.load().as_ref().map_or("none".to_string(), |s| s.len().to_string()),
    ));
    drop(e);
    ready(addr);
    tokio::spawn(reload_on_hangup(shared.clone()));
    if let Some(every) = shared.config.watch_interval {
        tokio::spawn(watch_files(shared.clone(), every));
    }
    let app = router(shared.clone());
    let connections = Arc::new(tokio::sync::Semaphore::new(shared.config.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(shared.config.header_timeout);
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => p.expect("the semaphore is never closed"),
            () = &mut stop => break,
        };
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    log(&format!("accept: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(app.clone());
        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    log("stopping: no new connections; finishing the requests in flight");
    tokio::select! {
        () = graceful.shutdown() => log("stopped"),
        () = tokio::time::sleep(shared.config.shutdown_grace) => {
            log("stopped: some connections did not finish in time");
        }
    }
    Ok(())
}

async fn stop_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("installing a SIGTERM handler");
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

#[cfg(unix)]
async fn reload_on_hangup(shared: Arc<Shared>) {
    let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else {
        log("cannot listen for SIGHUP: reload by file changes only");
        return;
    };
    while hup.recv().await.is_some() {
        reload(&shared, "SIGHUP").await;
        reload_credentials(&shared);
    }
}

#[cfg(not(unix))]
async fn reload_on_hangup(_shared: Arc<Shared>) {}

/// Re-reads the keys and secrets files; one that does not read keeps the old set.
fn reload_credentials(shared: &Shared) {
    if let Some(p) = &shared.config.keys_file {
        match read_keys(p) {
            Ok(k) => shared.keys.store(Some(Arc::new(k))),
            Err(e) => log(&format!("{e:#}; keeping the keys already loaded")),
        }
    }
    if let Some(p) = &shared.config.secrets_file {
        match read_secrets(p) {
            Ok(s) => shared.secrets.store(Some(Arc::new(s))),
            Err(e) => log(&format!("{e:#}; keeping the secrets already loaded")),
        }
    }
}

/// Compiles the lexicon again off the request path and swaps it in, or keeps the old one.
async fn reload(shared: &Arc<Shared>, why: &str) {
    let paths = shared.config.lexicon_paths.clone();
    let model = shared.config.model.clone();
    let loaded = tokio::task::spawn_blocking(move || load_lexicon(&paths, model)).await;
    match loaded {
        Ok(Ok(lexicon)) => {
            let engine = engine(&shared.config, lexicon);
            shared.metrics.lexicon(engine.info());
            shared.metrics.reload(true);
            log(&format!(
                "lexicon reloaded ({why}): {} {}, fingerprint {}",
                engine.info().name,
                engine.info().version.as_deref().unwrap_or("-"),
                engine.info().fingerprint
            ));
            shared.engine.store(Arc::new(engine));
        }
        Ok(Err(e)) => {
            shared.metrics.reload(false);
            let old = shared.engine.load();
            log(&format!(
                "lexicon reload refused ({why}); still serving fingerprint {}:\n{e}",
                old.info().fingerprint
            ));
        }
        Err(e) => log(&format!("lexicon reload failed ({why}): {e}")),
    }
}

/// What a file looks like from outside: changes when it is written.
fn stamp(path: &PathBuf) -> Option<(SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

async fn watch_files(shared: Arc<Shared>, every: Duration) {
    if shared.config.lexicon_paths.is_empty() {
        return;
    }
    let files = |shared: &Shared| {
        let mut f = shared.config.lexicon_paths.clone();
        for p in shared.engine.load().lexicon().files() {
            if !f.contains(&p) {
                f.push(p);
            }
        }
        f
    };
    let mut seen: Vec<_> = files(&shared).iter().map(stamp).collect();
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let now: Vec<_> = files(&shared).iter().map(stamp).collect();
        if now != seen {
            reload(&shared, "a lexicon file changed").await;
            // Stamps after the reload: a refused file is not tried again until it changes.
            seen = files(&shared).iter().map(stamp).collect();
        }
    }
}

/// The route label of a path (unknown paths share one label, so metrics stay bounded).
fn route_of(path: &str) -> &'static str {
    match path {
        "/v1alpha1/comments:analyze" => "analyze",
        "/v1alpha1/comments:suggestscore" => "suggestscore",
        "/coral" => "coral",
        "/v1/audit" => "audit",
        "/healthz" => "healthz",
        "/metrics" => "metrics",
        _ => "other",
    }
}

async fn track(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = route_of(req.uri().path());
    let method = req.method().clone();
    let resp = next.run(req).await;
    let took = started.elapsed();
    let status = resp.status().as_u16();
    shared.metrics.request(route, status, took);
    if shared.config.log_requests {
        log(&format!("{method} {route} {status} {:.3} ms", took.as_secs_f64() * 1e3));
    }
    resp
}

fn json_response(status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut resp = (status, bytes).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json; charset=utf-8"));
    resp
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code).unwrap_or(StatusCode::BAD_REQUEST);
        json_response(status, self.body().to_string().into_bytes())
    }
}

fn ok_json<T: serde::Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => json_response(StatusCode::OK, bytes),
        Err(e) => {
            ApiError { code: 500, status: "INTERNAL", message: e.to_string() }.into_response()
        }
    }
}

/// The value of `name` in the query string.
fn query_param(uri: &Uri, name: &str) -> Option<String> {
    let q = uri.query()?;
    q.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| percent_decode(v))
    })
}

fn percent_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                hex(bytes[i + 1]).zip(hex(bytes[i + 2])).map(|(h, l)| h * 16 + l)
            }
            _ => None,
        };
        match (decoded, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks the caller's key for a scoring route.
fn authorize(shared: &Shared, uri: &Uri, headers: &HeaderMap) -> Result<(), ApiError> {
    let presented = query_param(uri, "key")
        .or_else(|| headers.get("x-goog-api-key").and_then(|v| v.to_str().ok()).map(str::to_string))
        .or_else(|| {
            headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(|v| v.trim().to_string())
        });
    match (shared.keys.load().as_ref(), presented) {
        (Some(keys), Some(k)) if keys.accepts(&k) => Ok(()),
        (Some(_), Some(_)) => Err(ApiError::denied("API key not valid")),
        (Some(_), None) => Err(ApiError::denied(
            "no API key: pass ?key=KEY, the x-goog-api-key header or Authorization: Bearer KEY",
        )),
        (None, _) if shared.open => Ok(()),
        (None, _) => Err(ApiError::denied(
            "this service takes no keyless requests beyond loopback: start it with --keys FILE",
        )),
    }
}

/// Reads the body within the size cap and the body timeout.
async fn read_body(shared: &Shared, headers: &HeaderMap, body: Body) -> Result<Bytes, ApiError> {
    let cap = shared.config.max_body;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > cap as u64) {
        return Err(ApiError::too_large(cap));
    }
    match tokio::time::timeout(shared.config.body_timeout, axum::body::to_bytes(body, cap)).await {
        Err(_) => Err(ApiError {
            code: 408,
            status: "DEADLINE_EXCEEDED",
            message: format!(
                "the request body did not arrive within {} ms",
                shared.config.body_timeout.as_millis()
            ),
        }),
        Ok(Err(e)) => {
            let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(s) = source {
                if s.is::<http_body_util::LengthLimitError>() {
                    return Err(ApiError::too_large(cap));
                }
                source = s.source();
            }
            Err(ApiError::invalid(format!("reading the request body: {e}")))
        }
        Ok(Ok(b)) => Ok(b),
    }
}

fn parse_json<'a, T: serde::Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::invalid(format!("invalid JSON: {e}")))
}

fn log_text(shared: &Shared, route: &str, text: &str, do_not_store: bool) {
    if shared.config.log_text && !do_not_store {
        log(&format!("{route} text: {text:?}"));
    }
}

async fn analyze(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    authorize(&shared, &uri, &headers)?;
    let bytes = read_body(&shared, &headers, body).await?;
    let req: AnalyzeRequest = parse_json(&bytes)?;
    let engine = shared.engine.load();
    let answer = perspective::analyze(&engine, &req)?;
    if let Some(t) = req.comment.as_ref().and_then(|c| c.text.as_deref()) {
        log_text(&shared, "analyze", t, req.do_not_store);
    }
    shared.metrics.verdict(answer.moderato.verdict, &answer.moderato.flags);
    Ok(ok_json(&answer))
}

async fn suggest(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    authorize(&shared, &uri, &headers)?;
    let bytes = read_body(&shared, &headers, body).await?;
    let req: SuggestRequest = parse_json(&bytes)?;
    let engine = shared.engine.load();
    let label = perspective::suggestion(&engine, &req)?;
    match &shared.labels {
        Some(file) => {
            let mut line = serde_json::to_vec(&label).expect("a label serialises");
            line.push(b'\n');
            let written = {
                use std::io::Write;
                let mut f = file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                // One write per line: lines of concurrent suggestions never interleave.
                f.write_all(&line).and_then(|()| f.flush())
            };
            if let Err(e) = written {
                log(&format!("suggestscore: cannot append to --labels-out: {e}"));
                return Err(ApiError {
                    code: 503,
                    status: "UNAVAILABLE",
                    message: "the decision could not be stored".into(),
                });
            }
        }
        None => log(&format!(
            "suggestscore: decision {} on comment {} not stored: start serve with --labels-out FILE \
             to keep decisions as labels for `lexicon eval`",
            label.label,
            label.comment_id.as_deref().unwrap_or("(no id)")
        )),
    }
    Ok(ok_json(&serde_json::json!({ "clientToken": req.client_token })))
}

async fn coral_phase(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let Some(secrets) = shared.secrets.load_full() else {
        return Err(ApiError::unauthenticated(
            "no Coral signing secrets: start serve with --coral-secrets FILE",
        ));
    };
    let bytes = read_body(&shared, &headers, body).await?;
    let signature = headers.get("x-coral-signature").and_then(|v| v.to_str().ok());
    if !secrets.verify(&bytes, signature) {
        return Err(ApiError::unauthenticated(if signature.is_none() {
            "no X-Coral-Signature header"
        } else {
            "X-Coral-Signature does not match any signing secret"
        }));
    }
    let req: coral::Request = parse_json(&bytes)?;
    let text = req.text();
    let engine = shared.engine.load();
    engine.check_text(&text, "comment.body")?;
    log_text(&shared, "coral", &text, false);
    let audit = engine.audit(serde_json::Value::Null, &text);
    shared.metrics.verdict(audit.verdict, &audit.flags);
    Ok(match coral::answer(&audit) {
        Some(answer) => ok_json(&answer),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}

/// `POST /v1/audit`: `{"text": …}` (or `{"id": …, "body": …}`) gives one record;
/// `{"texts": [...]}` or `{"comments": [{"id", "text"|"body"}, ...]}` an array of them.
#[derive(serde::Deserialize)]
struct AuditRequest {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    texts: Option<Vec<String>>,
    #[serde(default)]
    comments: Option<Vec<AuditComment>>,
}

#[derive(serde::Deserialize)]
struct AuditComment {
    #[serde(default)]
    id: Option<serde_json::Value>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    body: Option<String>,
}

async fn audit(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    authorize(&shared, &uri, &headers)?;
    let bytes = read_body(&shared, &headers, body).await?;
    let req: AuditRequest = parse_json(&bytes)?;
    let engine = shared.engine.load();
    let batch: Option<Vec<(serde_json::Value, String)>> = match (req.texts, req.comments) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid("give `texts` or `comments`, not both"));
        }
        (Some(texts), None) => {
            Some(texts.into_iter().enumerate().map(|(i, t)| (serde_json::json!(i), t)).collect())
        }
        (None, Some(comments)) => {
            let mut out = Vec::with_capacity(comments.len());
            for (i, c) in comments.into_iter().enumerate() {
                let text = c.body.or(c.text).ok_or_else(|| {
                    ApiError::invalid(format!("comments[{i}] has no \"text\" or \"body\""))
                })?;
                out.push((c.id.unwrap_or_else(|| serde_json::json!(i)), text));
            }
            Some(out)
        }
        (None, None) => None,
    };
    match batch {
        Some(items) => {
            if items.len() > shared.config.max_batch {
                return Err(ApiError::invalid(format!(
                    "{} texts in one batch; the limit is {} (serve --max-batch)",
                    items.len(),
                    shared.config.max_batch
                )));
            }
            let mut records = Vec::with_capacity(items.len());
            for (i, (id, text)) in items.iter().enumerate() {
                engine.check_text(text, &format!("text {i}"))?;
                let rec = engine.audit(id.clone(), text);
                shared.metrics.verdict(rec.verdict, &rec.flags);
                records.push(rec);
            }
            Ok(ok_json(&records))
        }
        None => {
            let text = req.body.or(req.text).ok_or_else(|| {
                ApiError::invalid("no \"text\" (or \"body\", \"texts\", \"comments\") field")
            })?;
            engine.check_text(&text, "text")?;
            let rec = engine.audit(req.id.unwrap_or(serde_json::json!(0)), &text);
            shared.metrics.verdict(rec.verdict, &rec.flags);
            Ok(ok_json(&rec))
        }
    }
}

async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    let engine = shared.engine.load();
    ok_json(&serde_json::json!({"status": "ok", "lexicon": engine.info()}))
}

async fn metrics(State(shared): State<Arc<Shared>>) -> Response {
    let mut resp = shared.metrics.encode().into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    resp
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(format!(
        "no route {}; moderato serves POST /v1alpha1/comments:analyze, \
         /v1alpha1/comments:suggestscore, /coral, /v1/audit and GET /healthz, /metrics",
        escape::message(uri.path())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keys_are_decoded() {
        let uri: Uri = "/v1alpha1/comments:analyze?alt=json&key=a%2Bb+c".parse().unwrap();
        assert_eq!(query_param(&uri, "key").as_deref(), Some("a+b c"));
        assert_eq!(query_param(&uri, "nope"), None);
        let odd: Uri = "/x?key=%zz%4".parse().unwrap();
        assert_eq!(query_param(&odd, "key").as_deref(), Some("%zz%4"));
    }

    #[test]
    fn routes_have_bounded_labels() {
        assert_eq!(route_of("/v1alpha1/comments:analyze"), "analyze");
        assert_eq!(route_of("/anything/else"), "other");
    }
}
