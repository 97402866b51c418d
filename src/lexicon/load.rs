//! Reading lexicon files, resolving `extends`, and merging layers by rule id.
//!
//! Files are merged in order: a file's `extends` come first (depth first), then the file
//! itself, then the next file given. Later layers override rules by id, categories and
//! `[normalize]` field by field, detectors and `[attributes.NAME]` as a whole; `disable = [...]` or
//! `enabled = false` switches a rule off.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::error::{Diagnostic, LexiconError, Source};
use super::normalize::NormalizeOptions;
use super::schema::{
    AttributeSpec, CategorySpec, DetectorSpec, FileSpec, Level, ModelSpec, RuleSpec, VerdictSpec,
};

/// The `extends` value that names the built-in default lexicon.
pub(crate) const BUILTIN: &str = "builtin";
/// How the built-in lexicon is named in diagnostics.
pub(crate) const BUILTIN_PATH: &str = "lexicons/default.toml";

/// The layers of a lexicon merged into one.
#[derive(Clone, Debug, Default)]
pub(crate) struct Merged {
    pub sources: Vec<Source>,
    pub name: Option<String>,
    pub version: Option<String>,
    pub description: Option<String>,
    pub normalize: NormalizeOptions,
    /// Category name -> (spec, source index).
    pub categories: BTreeMap<String, (CategorySpec, usize)>,
    /// Detector name -> (spec, source index), in a fixed order.
    pub detectors: Vec<(&'static str, DetectorSpec, usize)>,
    /// Rules in first-definition order, with their source index.
    pub rules: Vec<(RuleSpec, usize)>,
    /// Score attributes by name (a later layer replaces an attribute whole), with their source
    /// index.
    pub attributes: BTreeMap<String, (AttributeSpec, usize)>,
    /// Each rule's or detector's score by id, as the last layer that said set it (a rule's own
    /// `score`, then the layer's `[scores]`), with its source index.
    pub scores: BTreeMap<String, (Spanned<f64>, usize)>,
    /// `[terms]`: each term's score as the last layer that named it set it, with its source
    /// index.
    pub terms: BTreeMap<String, (Spanned<f64>, usize)>,
    /// `[verdict]`, field by field, each with the source index of the layer that set it.
    pub verdict: VerdictFields,
    /// `[model]`, field by field, likewise.
    pub model: ModelFields,
}

/// The merged `[model]` table: each field as the last layer that named it set it.
#[derive(Clone, Debug, Default)]
pub(crate) struct ModelFields {
    pub note: Option<(Spanned<Level>, usize)>,
    pub review: Option<(Spanned<Level>, usize)>,
    pub remove: Option<(Spanned<Level>, usize)>,
    pub scale: Option<(Spanned<f64>, usize)>,
    pub shift: Option<(Spanned<f64>, usize)>,
    pub sha256: Option<(Spanned<String>, usize)>,
}

impl ModelFields {
    fn merge(&mut self, v: ModelSpec, src: usize) {
        self.note = v.note.map(|x| (x, src)).or(self.note.take());
        self.review = v.review.map(|x| (x, src)).or(self.review.take());
        self.remove = v.remove.map(|x| (x, src)).or(self.remove.take());
        self.scale = v.scale.map(|x| (x, src)).or(self.scale.take());
        self.shift = v.shift.map(|x| (x, src)).or(self.shift.take());
        self.sha256 = v.sha256.map(|x| (x, src)).or(self.sha256.take());
    }

    /// As a `[model]` table again, for `to_toml`.
    pub(crate) fn spec(&self) -> Option<ModelSpec> {
        let v = ModelSpec {
            note: self.note.as_ref().map(|x| x.0.clone()),
            review: self.review.as_ref().map(|x| x.0.clone()),
            remove: self.remove.as_ref().map(|x| x.0.clone()),
            scale: self.scale.as_ref().map(|x| x.0.clone()),
            shift: self.shift.as_ref().map(|x| x.0.clone()),
            sha256: self.sha256.as_ref().map(|x| x.0.clone()),
        };
        let empty = v.note.is_none()
            && v.review.is_none()
            && v.remove.is_none()
            && v.scale.is_none()
            && v.shift.is_none()
            && v.sha256.is_none();
        (!empty).then_some(v)
    }
}

/// The merged `[verdict]` table: each field as the last layer that named it set it.
#[derive(Clone, Debug, Default)]
pub(crate) struct VerdictFields {
    pub note: Option<(Spanned<f64>, usize)>,
    pub review: Option<(Spanned<f64>, usize)>,
    pub remove: Option<(Spanned<f64>, usize)>,
    pub tone: Option<(Spanned<f64>, usize)>,
    pub actions: Option<bool>,
    pub model: Option<(Spanned<f64>, usize)>,
}

impl VerdictFields {
    fn merge(&mut self, v: VerdictSpec, src: usize) {
        let with = |x: Option<Spanned<f64>>| x.map(|x| (x, src));
        self.note = with(v.note).or(self.note.take());
        self.review = with(v.review).or(self.review.take());
        self.remove = with(v.remove).or(self.remove.take());
        self.tone = with(v.tone).or(self.tone.take());
        self.actions = v.actions.or(self.actions);
        self.model = with(v.model).or(self.model.take());
    }

    /// As a `[verdict]` table again, for `to_toml`.
    pub(crate) fn spec(&self) -> Option<VerdictSpec> {
        let v = VerdictSpec {
            note: self.note.as_ref().map(|x| x.0.clone()),
            review: self.review.as_ref().map(|x| x.0.clone()),
            remove: self.remove.as_ref().map(|x| x.0.clone()),
            tone: self.tone.as_ref().map(|x| x.0.clone()),
            actions: self.actions,
            model: self.model.as_ref().map(|x| x.0.clone()),
        };
        let empty = v.note.is_none()
            && v.review.is_none()
            && v.remove.is_none()
            && v.tone.is_none()
            && v.actions.is_none()
            && v.model.is_none();
        (!empty).then_some(v)
    }
}

#[derive(Default)]
pub(crate) struct Loader {
    sources: Vec<Source>,
    layers: Vec<(usize, FileSpec)>,
    diags: Vec<Diagnostic>,
    stack: Vec<PathBuf>,
}

fn key_of(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

impl Loader {
    /// Add a file from disk (and what it extends).
    pub(crate) fn add_file(&mut self, path: &Path) -> Result<(), LexiconError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| LexiconError::Io { path: path.to_path_buf(), source })?;
        self.add_source(path.to_path_buf(), text, key_of(path));
        Ok(())
    }

    /// Add a lexicon given as text; `path` names it and anchors relative `extends`.
    pub(crate) fn add_source(&mut self, path: PathBuf, text: String, key: PathBuf) {
        self.stack.push(key);
        let idx = self.sources.len();
        self.sources.push(Source { path: path.clone(), text });
        let parsed = toml::from_str::<FileSpec>(&self.sources[idx].text);
        match parsed {
            Err(e) => {
                let msg = e.message().trim().to_owned();
                let d = self.sources[idx].diag(e.span(), None, msg, None);
                self.diags.push(d);
            }
            Ok(spec) => {
                for ext in &spec.extends {
                    self.extend(idx, &path, ext);
                }
                self.layers.push((idx, spec));
            }
        }
        self.stack.pop();
    }

    fn extend(&mut self, idx: usize, path: &Path, ext: &toml::Spanned<String>) {
        let (target, text, key) = if ext.get_ref() == BUILTIN {
            let p = PathBuf::from(BUILTIN_PATH);
            (p.clone(), Ok(super::DEFAULT_TOML.to_owned()), PathBuf::from("<builtin>"))
        } else {
            let base = path.parent().unwrap_or(Path::new(""));
            let p = base.join(ext.get_ref());
            let text = std::fs::read_to_string(&p);
            let key = key_of(&p);
            (p, text, key)
        };
        if let Some(pos) = self.stack.iter().position(|k| *k == key) {
            let mut chain: Vec<String> =
                self.stack[pos..].iter().map(|k| k.display().to_string()).collect();
            chain.push(key.display().to_string());
            let d = self.sources[idx].diag(
                Some(ext.span()),
                None,
                format!("`extends` cycle: {}", chain.join(" -> ")),
                Some("remove one of these `extends` entries".into()),
            );
            self.diags.push(d);
            return;
        }
        match text {
            Ok(text) => self.add_source(target, text, key),
            Err(e) => {
                let d = self.sources[idx].diag(
                    Some(ext.span()),
                    None,
                    format!("cannot read extended lexicon {}: {e}", target.display()),
                    Some(format!(
                        "paths in `extends` are relative to this file; use \"{BUILTIN}\" for \
                         the built-in lexicon"
                    )),
                );
                self.diags.push(d);
            }
        }
    }

    /// Merge all layers; returns the diagnostics of loading and merging, if any.
    pub(crate) fn merge(self) -> (Merged, Vec<Diagnostic>) {
        let Loader { sources, layers, mut diags, .. } = self;
        let mut m = Merged { sources, ..Merged::default() };
        let mut detectors: BTreeMap<&'static str, (DetectorSpec, usize)> = BTreeMap::new();
        for (src, spec) in layers {
            let source = &m.sources[src];
            m.name = spec.name.or(m.name.take());
            m.version = spec.version.or(m.version.take());
            m.description = spec.description.or(m.description.take());
            if let Some(n) = spec.normalize {
                let o = &mut m.normalize;
                o.case = n.case.unwrap_or(o.case);
                o.unicode = n.unicode.unwrap_or(o.unicode);
                o.confusables = n.confusables.unwrap_or(o.confusables);
                o.leet = n.leet.unwrap_or(o.leet);
                o.repeated = n.repeated.unwrap_or(o.repeated);
                o.spaced = n.spaced.unwrap_or(o.spaced);
            }
            for (name, c) in spec.categories {
                let entry =
                    m.categories.entry(name).or_insert_with(|| (CategorySpec::default(), src));
                entry.1 = src;
                let e = &mut entry.0;
                e.severity = c.severity.or(e.severity);
                e.action = c.action.or(e.action);
                e.note = c.note.or(e.note.take());
                for a in c.allow {
                    if !e.allow.iter().any(|x| x.get_ref() == a.get_ref()) {
                        e.allow.push(a);
                    }
                }
            }
            for (name, a) in spec.attributes {
                m.attributes.insert(name, (a, src));
            }
            let d = spec.detectors;
            for (name, det) in [
                ("links", d.links),
                ("email", d.email),
                ("phone", d.phone),
                ("shouting", d.shouting),
                ("flooding", d.flooding),
            ] {
                if let Some(det) = det {
                    let id = format!("detector/{name}");
                    match &det.score {
                        Some(score) => m.scores.insert(id, (score.clone(), src)),
                        None => m.scores.remove(&id),
                    };
                    detectors.insert(name, (det, src));
                }
            }
            let mut seen: HashMap<String, std::ops::Range<usize>> = HashMap::new();
            for rule in spec.rules {
                let id = rule.id.get_ref().clone();
                if let Some(first) = seen.get(&id) {
                    let (line, _) = super::error::line_col(&source.text, first.start);
                    diags.push(source.diag(
                        Some(rule.id.span()),
                        Some(&id),
                        "duplicate rule id",
                        Some(format!(
                            "first defined on line {line}; give this rule another id (a later \
                             file may override a rule by id, the same file may not)"
                        )),
                    ));
                    continue;
                }
                seen.insert(id.clone(), rule.id.span());
                match &rule.score {
                    Some(score) => m.scores.insert(id.clone(), (score.clone(), src)),
                    None => m.scores.remove(&id),
                };
                match m.rules.iter().position(|(r, _)| *r.id.get_ref() == id) {
                    Some(pos) => m.rules[pos] = (rule, src),
                    None => m.rules.push((rule, src)),
                }
            }
            for off in spec.disable {
                match m.rules.iter().position(|(r, _)| r.id.get_ref() == off.get_ref()) {
                    Some(pos) => {
                        m.rules.remove(pos);
                        m.scores.remove(off.get_ref());
                    }
                    None => diags.push(source.diag(
                        Some(off.span()),
                        Some(off.get_ref()),
                        "`disable` names a rule that no earlier layer defines",
                        Some("check the id against `moderato lexicon show`".into()),
                    )),
                }
            }
            for (id, score) in spec.scores {
                m.scores.insert(id, (score, src));
            }
            for (term, score) in spec.terms {
                m.terms.insert(term, (score, src));
            }
            if let Some(v) = spec.model {
                m.model.merge(v, src);
            }
            if let Some(v) = spec.verdict {
                m.verdict.merge(v, src);
            }
        }
        m.detectors = detectors.into_iter().map(|(k, (d, s))| (k, d, s)).collect();
        (m, diags)
    }
}
