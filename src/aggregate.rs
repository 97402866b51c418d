//! Aggregate: scored records → weekly figures ([`WeeklyReport`]).
//!
//! Input is one [`CommentRecord`] at a time with its [`Scored`] tone and flags (or none, for
//! records whose text is gone or that are not published); output is one row per ISO week
//! (Monday 00:00 in the report's zone, labelled `%G-W%V`), an `undated` row for records
//! without a usable time (counted, never dropped), a total, the most flagged authors and the
//! most heated threads.
//!
//! The accumulator keeps counts, sums and a fixed-bin histogram of compound scores, never
//! the scores themselves, and two accumulators [`merge`](Aggregate::merge) into the one the
//! union of their inputs gives. VADER rounds compound to four decimals, so histogram bins of
//! 0.0001 over [-1, 1] keep the median exact ([`Histogram`]). Distinct authors and threads
//! per week are exact and mergeable sets. Each name is held once, in a [`Roster`] that numbers
//! it and holds its counts; a week's set holds numbers ([`IdSet`]: a hashed number per
//! name while sparse, a bit while dense), and merging renumbers the other accumulator's
//! names. Over 10M comments by 500,000 authors, hashing and comparing names per record and
//! per week had been nearly half of a report's time; a reader that knows its names by number
//! (an archive) skips even the one hash per record ([`Aggregate::add_batch`]).
//!
//! Tone classes follow VADER's convention: positive at compound ≥ 0.05, negative at
//! ≤ -0.05, neutral between. A comment is flagged when it has at least one flag.

use crate::records::{CommentRecord, Status, TimeBasis};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Compound at or above this is positive; at or below its negation, negative.
pub const TONE_THRESHOLD: f64 = 0.05;

/// How many authors and threads the top lists hold.
pub const TOP_N: usize = 10;

/// The language, tone and moderation result of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    /// Its language (ISO 639-1 or `und`).
    pub language: String,
    /// VADER compound, -1 to 1; `None` when tone is not scored in its language.
    pub compound: Option<f64>,
    /// The verdict's lowercase name (`ok`, `note`, `review`, `remove`).
    pub verdict: String,
    /// The categories of its flags (each once).
    pub categories: Vec<String>,
    /// The model's toxicity, 0–1; `None` without a model or where it does not apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toxicity: Option<f64>,
}

/// Tone class of a compound score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// compound ≥ 0.05
    Positive,
    /// between
    Neutral,
    /// compound ≤ -0.05
    Negative,
}

impl Tone {
    /// Classifies a compound score.
    pub fn of(compound: f64) -> Tone {
        if compound >= TONE_THRESHOLD {
            Tone::Positive
        } else if compound <= -TONE_THRESHOLD {
            Tone::Negative
        } else {
            Tone::Neutral
        }
    }
}

mod histogram;
pub use histogram::Histogram;

/// Mergeable counts for one week (or the undated row, or the total), without the sets of
/// names: what adds up.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    /// Every record, whatever its status.
    pub comments: u64,
    /// Records per status.
    pub by_status: BTreeMap<Status, u64>,
    /// Records known to be replies.
    pub replies: u64,
    /// Records whose reply status is known.
    pub reply_known: u64,
    /// Records moderated (published, with text): the base of the flag counts.
    pub scored: u64,
    /// Of those, records whose tone was scored (their language is one tone is scored in):
    /// the base of the tone figures.
    #[serde(default)]
    pub tone_scored: u64,
    /// Moderated records whose tone was not scored, by language.
    #[serde(default)]
    pub tone_not_scored: BTreeMap<String, u64>,
    /// Sum of the tone-scored records' compound scores in units of 0.0001 (an integer, so
    /// that sums merge exactly in any order).
    pub sum_compound_e4: i64,
    /// Their compound scores, binned.
    pub histogram: Histogram,
    /// Positive, neutral and negative scored records.
    pub positive: u64,
    /// See `positive`.
    pub neutral: u64,
    /// See `positive`.
    pub negative: u64,
    /// Scored records with at least one flag.
    pub flagged: u64,
    /// Scored records with a flag of each category.
    pub by_category: BTreeMap<String, u64>,
    /// Scored records per verdict.
    pub by_verdict: BTreeMap<String, u64>,
    /// Records with a relative time whose window crosses a week boundary.
    pub time_uncertain: u64,
    /// Comments removed (gone from a later capture, or given a removing status) in this
    /// week, as an archive saw it: counted in the week the change was first seen.
    #[serde(default)]
    pub removed: u64,
    /// Comments edited in this week, likewise.
    #[serde(default)]
    pub edited: u64,
}

impl Tally {
    /// Adds `r` with its score.
    fn add(&mut self, r: &CommentRecord, s: Option<&Scored>, uncertain: bool) {
        self.comments += 1;
        *self.by_status.entry(r.status).or_default() += 1;
        if let Some(reply) = r.is_reply {
            self.reply_known += 1;
            self.replies += u64::from(reply);
        }
        self.time_uncertain += u64::from(uncertain);
        let Some(s) = s else { return };
        self.scored += 1;
        match s.compound {
            Some(c) => {
                self.tone_scored += 1;
                self.sum_compound_e4 += e4(c);
                self.histogram.add(c);
                match Tone::of(c) {
                    Tone::Positive => self.positive += 1,
                    Tone::Neutral => self.neutral += 1,
                    Tone::Negative => self.negative += 1,
                }
            }
            None => bump(&mut self.tone_not_scored, &s.language),
        }
        if !s.categories.is_empty() {
            self.flagged += 1;
        }
        for_each_category(s, |c| bump(&mut self.by_category, c));
        bump(&mut self.by_verdict, &s.verdict);
    }

    /// Adds another week's counts.
    pub fn merge(&mut self, o: &Tally) {
        self.comments += o.comments;
        add_map(&mut self.by_status, &o.by_status);
        self.replies += o.replies;
        self.reply_known += o.reply_known;
        self.scored += o.scored;
        self.tone_scored += o.tone_scored;
        add_map(&mut self.tone_not_scored, &o.tone_not_scored);
        self.sum_compound_e4 += o.sum_compound_e4;
        self.histogram.merge(&o.histogram);
        self.positive += o.positive;
        self.neutral += o.neutral;
        self.negative += o.negative;
        self.flagged += o.flagged;
        add_map(&mut self.by_category, &o.by_category);
        add_map(&mut self.by_verdict, &o.by_verdict);
        self.time_uncertain += o.time_uncertain;
        self.removed += o.removed;
        self.edited += o.edited;
    }
}

/// Calls `f` once for each distinct category of `s`'s flags. A record has a few flags at
/// most, so a scan of those before it beats building a set.
fn for_each_category(s: &Scored, mut f: impl FnMut(&str)) {
    for (i, c) in s.categories.iter().enumerate() {
        if !s.categories[..i].contains(c) {
            f(c);
        }
    }
}

mod idset;
pub use idset::IdSet;

/// One week's (or the undated row's) counts and the authors and threads in it.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// What adds up.
    pub tally: Tally,
    /// Distinct authors (numbers in [`Aggregate::authors`]).
    pub authors: IdSet,
    /// Distinct threads (numbers in [`Aggregate::threads`]).
    pub threads: IdSet,
}

impl Stats {
    /// Adds `r`, whose author and thread have the numbers `names`.
    fn add(&mut self, r: &CommentRecord, names: NameIds, s: Option<&Scored>, uncertain: bool) {
        self.tally.add(r, s, uncertain);
        if let Some(a) = names.author {
            self.authors.insert(a);
        }
        if let Some(t) = names.thread {
            self.threads.insert(t);
        }
    }

    /// Adds another accumulator's week, its names renumbered by `authors` and `threads`
    /// (its number → this accumulator's).
    fn merge(&mut self, o: &Stats, authors: &Renumbering, threads: &Renumbering) {
        self.tally.merge(&o.tally);
        authors.add(&mut self.authors, &o.authors);
        threads.add(&mut self.threads, &o.threads);
    }
}

/// Another accumulator's roster numbers → this one's.
struct Renumbering {
    to: Vec<u32>,
    /// Every number maps to itself (both rosters come from one).
    same: bool,
}

impl Renumbering {
    fn new(to: Vec<u32>) -> Renumbering {
        let same = to.iter().enumerate().all(|(i, &n)| n as usize == i);
        Renumbering { to, same }
    }

    /// Adds the members of `theirs`, renumbered, to `mine`.
    fn add(&self, mine: &mut IdSet, theirs: &IdSet) {
        if self.same {
            mine.union_with(theirs);
        } else {
            for id in theirs.iter() {
                mine.insert(self.to[id as usize]);
            }
        }
    }
}

/// The numbers of a record's author and thread in an accumulator's rosters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NameIds {
    /// The author's number in [`Aggregate::authors`].
    pub author: Option<u32>,
    /// The thread's number in [`Aggregate::threads`].
    pub thread: Option<u32>,
}

/// Names (authors or threads) numbered in the order first met, each with its counts.
///
/// Weeks hold the numbers, not the names: a name is hashed once per record, a week's set
/// costs four bytes per name and compares integers, and over 10M records with 500k authors
/// the string compares and pointer chasing of name sets had been nearly half of a report's
/// time.
#[derive(Debug, Clone)]
pub struct Roster<V> {
    index: rustc_hash::FxHashMap<Arc<str>, u32>,
    entries: Vec<(Arc<str>, V)>,
}

impl<V> Default for Roster<V> {
    fn default() -> Self {
        Roster { index: Default::default(), entries: Vec::new() }
    }
}

impl<V: Default> Roster<V> {
    /// The number of `name`, given the next one (with default counts) when it is new.
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.index.get(name) {
            return id;
        }
        let id = u32::try_from(self.entries.len()).expect("fewer than 2^32 names");
        let name: Arc<str> = Arc::from(name);
        self.index.insert(Arc::clone(&name), id);
        self.entries.push((name, V::default()));
        id
    }

    /// The number here of `o`'s name numbered `i`: `i` itself when both rosters come from
    /// one (they share the name), else found by name.
    fn id_of<W>(&mut self, o: &Roster<W>, i: usize) -> u32 {
        let name = &o.entries[i].0;
        match self.entries.get(i) {
            Some((mine, _)) if Arc::ptr_eq(mine, name) => i as u32,
            _ => self.id(name),
        }
    }
}

impl<V> Roster<V> {
    /// Makes room for `n` more names.
    pub fn reserve(&mut self, n: usize) {
        self.index.reserve(n);
        self.entries.reserve(n);
    }

    /// How many names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when it holds no name.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The counts of `name`.
    pub fn get(&self, name: &str) -> Option<&V> {
        self.index.get(name).map(|&id| &self.entries[id as usize].1)
    }

    /// The name numbered `id`.
    pub fn name(&self, id: u32) -> &str {
        &self.entries[id as usize].0
    }

    /// The names `set` numbers, sorted.
    fn sorted_names(&self, set: &IdSet) -> Vec<&str> {
        let mut names: Vec<&str> = set.iter().map(|i| self.name(i)).collect();
        names.sort_unstable();
        names
    }

    /// The counts of the name numbered `id`.
    fn at_mut(&mut self, id: u32) -> &mut V {
        &mut self.entries[id as usize].1
    }

    /// Names and counts, in the order first met.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries.iter().map(|(n, v)| (&**n, v))
    }

    /// Names and counts, the counts to change.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut V)> {
        self.entries.iter_mut().map(|(n, v)| (&**n, v))
    }
}

/// Adds one to `key`'s count, copying the key only the first time it is met.
fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

fn add_map<K: Ord + Clone>(a: &mut BTreeMap<K, u64>, b: &BTreeMap<K, u64>) {
    for (k, v) in b {
        *a.entry(k.clone()).or_default() += v;
    }
}

/// Per-author counts, for the most flagged authors.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthorStats {
    /// Records by the author.
    pub comments: u64,
    /// Scored records.
    pub scored: u64,
    /// Flagged records.
    pub flagged: u64,
    /// Flagged records per category.
    pub by_category: CategoryCounts,
}

/// Per-thread counts, for the most heated threads.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ThreadStats {
    /// Records in the thread.
    pub comments: u64,
    /// Records whose tone was scored.
    pub scored: u64,
    /// Sum of their compound scores in units of 0.0001.
    pub sum_compound_e4: i64,
    /// Negative records.
    pub negative: u64,
    /// Flagged records.
    pub flagged: u64,
    /// Records that are negative or flagged.
    pub heated: u64,
    /// The lowest compound score and the start of that comment's text.
    pub most_negative: Option<(f64, String)>,
}

/// How much of a comment the most-heated list quotes.
pub const QUOTE_CHARS: usize = 160;

impl AuthorStats {
    /// Adds another accumulator's counts for the same author.
    fn merge(&mut self, o: &AuthorStats) {
        self.comments += o.comments;
        self.scored += o.scored;
        self.flagged += o.flagged;
        self.by_category.add(&o.by_category);
    }
}

impl ThreadStats {
    /// Adds another accumulator's counts for the same thread.
    fn merge(&mut self, o: &ThreadStats) {
        self.comments += o.comments;
        self.scored += o.scored;
        self.sum_compound_e4 += o.sum_compound_e4;
        self.negative += o.negative;
        self.flagged += o.flagged;
        self.heated += o.heated;
        lower(&mut self.most_negative, &o.most_negative);
    }
}

fn lower(a: &mut Option<(f64, String)>, b: &Option<(f64, String)>) {
    if let Some((c, t)) = b {
        let replace = match a {
            None => true,
            Some((ac, at)) => c.total_cmp(ac).then_with(|| t.cmp(at)).is_lt(),
        };
        if replace {
            *a = Some((*c, t.clone()));
        }
    }
}

/// An ISO week: `(ISO year, week number)`.
pub type WeekKey = (i32, u32);

/// The ISO week of `t` in `tz`, and the local date of its Monday.
pub fn week_of(t: DateTime<Utc>, tz: Tz) -> (WeekKey, NaiveDate) {
    let d = t.with_timezone(&tz).date_naive();
    let iso = d.iso_week();
    let start = d - Duration::days(i64::from(d.weekday().num_days_from_monday()));
    ((iso.year(), iso.week()), start)
}

/// `2024-W43`.
pub fn week_label(k: WeekKey) -> String {
    format!("{}-W{:02}", k.0, k.1)
}

/// The accumulator.
#[derive(Debug, Clone)]
pub struct Aggregate {
    /// The zone weeks are cut in.
    pub tz: Tz,
    /// Counts per ISO week, with the week's Monday.
    pub weeks: BTreeMap<WeekKey, (NaiveDate, Stats)>,
    /// Records without a usable time.
    pub undated: Stats,
    /// Per author.
    pub authors: Roster<AuthorStats>,
    /// Per thread.
    pub threads: Roster<ThreadStats>,
    /// Records per time basis (`None`: undated).
    pub bases: BTreeMap<Option<TimeBasis>, u64>,
    /// The week last met (records mostly come in time order).
    last_week: Option<WeekSpan>,
    /// Flag categories met, each name held once for every author's counts.
    category_names: rustc_hash::FxHashSet<Arc<str>>,
}

/// One author's flagged records per category: a short list sorted by name (an author meets
/// a few categories; a map per author had cost hundreds of bytes and several allocations
/// for each of hundreds of thousands of authors), written as a map.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CategoryCounts(Vec<(Arc<str>, u64)>);

impl CategoryCounts {
    /// Adds one to `category`, naming it with the copy in `names`.
    fn bump(&mut self, category: &str, names: &mut rustc_hash::FxHashSet<Arc<str>>) {
        match self.0.binary_search_by(|(c, _)| (**c).cmp(category)) {
            Ok(i) => self.0[i].1 += 1,
            Err(i) => {
                let name = match names.get(category) {
                    Some(n) => Arc::clone(n),
                    None => {
                        let n: Arc<str> = Arc::from(category);
                        names.insert(Arc::clone(&n));
                        n
                    }
                };
                self.0.insert(i, (name, 1));
            }
        }
    }

    /// Adds another author's counts.
    fn add(&mut self, o: &CategoryCounts) {
        for (c, n) in &o.0 {
            match self.0.binary_search_by(|(mine, _)| mine.cmp(c)) {
                Ok(i) => self.0[i].1 += n,
                Err(i) => self.0.insert(i, (Arc::clone(c), *n)),
            }
        }
    }

    /// The counts as a map.
    pub fn to_map(&self) -> BTreeMap<String, u64> {
        self.0.iter().map(|(c, n)| (c.to_string(), *n)).collect()
    }
}

impl Serialize for CategoryCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(c, n)| (&**c, n)))
    }
}

impl<'de> Deserialize<'de> for CategoryCounts {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let map = BTreeMap::<String, u64>::deserialize(d)?;
        Ok(CategoryCounts(map.into_iter().map(|(c, n)| (Arc::from(c), n)).collect()))
    }
}

/// A week as local times, in seconds since 1970 read as if they were UTC.
#[derive(Debug, Clone, Copy)]
struct WeekSpan {
    from: i64,
    to: i64,
    key: WeekKey,
    start: NaiveDate,
}

impl Aggregate {
    /// An empty accumulator cutting weeks in `tz`.
    pub fn new(tz: Tz) -> Aggregate {
        Aggregate {
            tz,
            weeks: BTreeMap::new(),
            undated: Stats::default(),
            authors: Roster::default(),
            threads: Roster::default(),
            bases: BTreeMap::new(),
            last_week: None,
            category_names: Default::default(),
        }
    }

    /// [`week_of`] `t` in the accumulator's zone, without the calendar arithmetic when `t`
    /// falls in the week last met: a week depends only on the local time, so the zone's
    /// offset is looked up and the rest is a comparison.
    fn week(&mut self, t: DateTime<Utc>) -> (WeekKey, NaiveDate) {
        let offset = self.tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc();
        let local = t.timestamp() + i64::from(offset);
        if let Some(w) = self.last_week.filter(|w| (w.from..w.to).contains(&local)) {
            return (w.key, w.start);
        }
        let (key, start) = week_of(t, self.tz);
        let from = start.and_time(chrono::NaiveTime::MIN).and_utc().timestamp();
        self.last_week = Some(WeekSpan { from, to: from + 7 * 86_400, key, start });
        (key, start)
    }

    /// Adds one record with its score (`None` when it is not scored).
    pub fn add(&mut self, r: &CommentRecord, s: Option<&Scored>) {
        let names = NameIds {
            author: r.author.as_deref().map(|a| self.authors.id(a)),
            thread: r.thread.as_deref().map(|t| self.threads.id(t)),
        };
        self.add_named(r, s, names);
    }

    /// Adds one record whose author and thread the caller has already numbered (with
    /// [`Roster::id`] on [`Aggregate::authors`] and [`Aggregate::threads`]): a reader that
    /// knows its threads by number skips hashing their names. `r.author` and `r.thread` are
    /// not read.
    pub fn add_named(&mut self, r: &CommentRecord, s: Option<&Scored>, names: NameIds) {
        self.add_batch(&[(r, s, names)]);
    }

    /// Adds records as [`Aggregate::add_named`] does, one kind of count for all of them at
    /// a time: with hundreds of thousands of authors, each author's counts are a cache miss,
    /// and a short loop over a batch overlaps those misses where one record at a time waited
    /// for each.
    pub fn add_batch(&mut self, batch: &[(&CommentRecord, Option<&Scored>, NameIds)]) {
        for &(_, s, names) in batch {
            let Some(a) = names.author else { continue };
            let st = self.authors.at_mut(a);
            st.comments += 1;
            st.scored += u64::from(s.is_some());
            if let Some(s) = s.filter(|s| !s.categories.is_empty()) {
                st.flagged += 1;
                let names = &mut self.category_names;
                for_each_category(s, |c| st.by_category.bump(c, names));
            }
        }
        for &(r, s, names) in batch {
            self.add_all_but_author(r, s, names);
        }
    }

    /// Everything of [`Aggregate::add_named`] except the author's own counts.
    fn add_all_but_author(&mut self, r: &CommentRecord, s: Option<&Scored>, names: NameIds) {
        *self.bases.entry(r.posted_at.and(r.time_basis)).or_default() += 1;
        match r.posted_at {
            Some(t) => {
                let (key, start) = self.week(t);
                let uncertain =
                    r.posted_window.is_some_and(|(a, b)| self.week(a).0 != self.week(b).0);
                self.weeks
                    .entry(key)
                    .or_insert_with(|| (start, Stats::default()))
                    .1
                    .add(r, names, s, uncertain);
            }
            None => self.undated.add(r, names, s, false),
        }
        let flagged = s.is_some_and(|s| !s.categories.is_empty());
        if let Some(t) = names.thread {
            let st = self.threads.at_mut(t);
            st.comments += 1;
            if let Some(s) = s {
                let negative = s.compound.is_some_and(|c| Tone::of(c) == Tone::Negative);
                st.flagged += u64::from(flagged);
                st.heated += u64::from(negative || flagged);
                if let Some(c) = s.compound {
                    st.scored += 1;
                    st.sum_compound_e4 += e4(c);
                    st.negative += u64::from(negative);
                    // Quoted only when it may be the lowest (quoting is most of the cost).
                    if st.most_negative.as_ref().is_none_or(|(m, _)| c <= *m) {
                        let quote = crate::report::escape::preview(&r.body, QUOTE_CHARS);
                        lower(&mut st.most_negative, &Some((c, quote)));
                    }
                }
            }
        }
    }

    /// Counts a change an archive saw at `at`: a removal, or an edit, in the week of `at`.
    pub fn add_change(&mut self, at: DateTime<Utc>, removed: bool) {
        let (key, start) = self.week(at);
        let st = &mut self.weeks.entry(key).or_insert_with(|| (start, Stats::default())).1;
        if removed {
            st.tally.removed += 1;
        } else {
            st.tally.edited += 1;
        }
    }

    /// Adds another accumulator (same zone) into this one.
    pub fn merge(&mut self, o: &Aggregate) {
        // o's numbers → ours, adding its counts to ours on the way.
        let authors: Vec<u32> = o
            .authors
            .iter()
            .enumerate()
            .map(|(i, (_, st))| {
                let id = self.authors.id_of(&o.authors, i);
                self.authors.at_mut(id).merge(st);
                id
            })
            .collect();
        let threads: Vec<u32> = o
            .threads
            .iter()
            .enumerate()
            .map(|(i, (_, st))| {
                let id = self.threads.id_of(&o.threads, i);
                self.threads.at_mut(id).merge(st);
                id
            })
            .collect();
        let (authors, threads) = (Renumbering::new(authors), Renumbering::new(threads));
        for (k, (start, st)) in &o.weeks {
            self.weeks
                .entry(*k)
                .or_insert_with(|| (*start, Stats::default()))
                .1
                .merge(st, &authors, &threads);
        }
        self.undated.merge(&o.undated, &authors, &threads);
        add_map(&mut self.bases, &o.bases);
    }

    /// Every week's stats and the undated row's.
    fn all_stats(&self) -> impl Iterator<Item = &Stats> {
        self.weeks.values().map(|(_, st)| st).chain(std::iter::once(&self.undated))
    }

    /// The figures, ready to render.
    pub fn finish(&self) -> WeeklyReport {
        let mut tally = Tally::default();
        for st in self.all_stats() {
            tally.merge(&st.tally);
        }
        let total = Row::from_tally(
            &tally,
            distinct(self.all_stats().map(|st| &st.authors)),
            distinct(self.all_stats().map(|st| &st.threads)),
        );
        let mut weeks: Vec<WeekRow> = Vec::with_capacity(self.weeks.len());
        for (key, (start, st)) in &self.weeks {
            let row = Row::from_stats(st);
            let prev_start = *start - Duration::days(7);
            let prev = prev_start.iso_week();
            let prev_key = (prev.year(), prev.week());
            let change =
                self.weeks.get(&prev_key).map(|(_, p)| Change::between(&Row::from_stats(p), &row));
            weeks.push(WeekRow { week: week_label(*key), start: *start, row, change });
        }
        // Ranked by reference, and rows made for the top only: an archive holds hundreds of
        // thousands of authors.
        let authors: Vec<AuthorRow> = top(
            self.authors.iter().filter(|(_, s)| s.flagged > 0).collect(),
            |(an, a), (bn, b)| {
                let share = |s: &AuthorStats| share(s.flagged, s.scored).unwrap_or(0.0);
                b.flagged.cmp(&a.flagged).then(share(b).total_cmp(&share(a))).then(an.cmp(bn))
            },
        )
        .into_iter()
        .map(|(a, s)| AuthorRow {
            author: a.to_string(),
            comments: s.comments,
            flagged: s.flagged,
            flagged_share: share(s.flagged, s.scored),
            by_category: s.by_category.to_map(),
        })
        .collect();
        let threads: Vec<ThreadRow> =
            top(self.threads.iter().filter(|(_, s)| s.heated > 0).collect(), |(an, a), (bn, b)| {
                let mean = |s: &ThreadStats| mean(s.sum_compound_e4, s.scored).unwrap_or(0.0);
                b.heated.cmp(&a.heated).then(mean(a).total_cmp(&mean(b))).then(an.cmp(bn))
            })
            .into_iter()
            .map(|(t, s)| ThreadRow {
                thread: t.to_string(),
                comments: s.comments,
                heated: s.heated,
                heated_share: share(s.heated, s.scored),
                negative: s.negative,
                flagged: s.flagged,
                mean_compound: mean(s.sum_compound_e4, s.scored),
                most_negative: s.most_negative.as_ref().map(|m| m.1.clone()),
            })
            .collect();
        WeeklyReport {
            tz: self.tz.name().to_string(),
            duplicates_folded: 0,
            changes_tracked: false,
            time_basis: self
                .bases
                .iter()
                .map(|(b, &n)| BasisCount {
                    basis: *b,
                    comments: n,
                    description: b
                        .map_or("no usable time (undated row)", TimeBasis::describe)
                        .to_string(),
                })
                .collect(),
            categories: total.by_category.keys().cloned().collect(),
            weeks,
            undated: Row::from_stats(&self.undated),
            total,
            most_flagged_authors: authors,
            most_heated_threads: threads,
            inputs: Vec::new(),
        }
    }
}

/// What a [`Partial`] says it is, so that `report merge` refuses anything else.
pub const PARTIAL_FORMAT: &str = "moderato-weekly-partial";

/// The version of the [`Partial`] layout; bumped whenever a field changes meaning or place
/// (3: a week's counts under `tally`, beside its `authors` and `threads`).
pub const PARTIAL_VERSION: u32 = 3;

/// An [`Aggregate`] as JSON: everything [`Aggregate::finish`] needs, so that partials of
/// any split of the input merge into exactly the report of the whole. Nothing is truncated:
/// the per-author and per-thread counts are all kept, which makes the top lists exact (and
/// makes a partial grow with the number of distinct authors and threads, not of records).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// Always [`PARTIAL_FORMAT`].
    pub format: String,
    /// [`PARTIAL_VERSION`] when written.
    pub version: u32,
    /// The zone weeks are cut in (IANA name); partials merge only within one zone.
    pub tz: String,
    /// The inputs read.
    pub inputs: Vec<InputSummary>,
    /// Counts per ISO week.
    pub weeks: Vec<PartialWeek>,
    /// Records without a usable time.
    pub undated: PartialStats,
    /// Per author (every author, sorted).
    pub authors: BTreeMap<String, AuthorStats>,
    /// Per thread (every thread, sorted).
    pub threads: BTreeMap<String, ThreadStats>,
    /// Records per time basis (`None`: undated).
    pub bases: Vec<(Option<TimeBasis>, u64)>,
}

/// One week of a [`Partial`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialWeek {
    /// `2024-W43` (for readers; `year` and `number` are what is read back).
    pub week: String,
    /// ISO year.
    pub year: i32,
    /// ISO week number.
    pub number: u32,
    /// The Monday, in the partial's zone.
    pub start: NaiveDate,
    /// The counts.
    pub stats: PartialStats,
}

/// [`Stats`] with names for numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartialStats {
    /// What adds up.
    pub tally: Tally,
    /// Distinct authors, sorted.
    pub authors: Vec<String>,
    /// Distinct threads, sorted.
    pub threads: Vec<String>,
}

impl Aggregate {
    /// The accumulator as a [`Partial`], with the inputs it was built from (a copy; to write
    /// one, [`Aggregate::write_partial`] reads the accumulator in place).
    pub fn to_partial(&self, inputs: Vec<InputSummary>) -> Partial {
        let stats = |st: &Stats| PartialStats {
            tally: st.tally.clone(),
            authors: self.authors.sorted_names(&st.authors).into_iter().map(String::from).collect(),
            threads: self.threads.sorted_names(&st.threads).into_iter().map(String::from).collect(),
        };
        Partial {
            format: PARTIAL_FORMAT.to_string(),
            version: PARTIAL_VERSION,
            tz: self.tz.name().to_string(),
            weeks: self
                .weeks
                .iter()
                .map(|(&(year, number), (start, st))| PartialWeek {
                    week: week_label((year, number)),
                    year,
                    number,
                    start: *start,
                    stats: stats(st),
                })
                .collect(),
            undated: stats(&self.undated),
            authors: self.authors.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
            threads: self.threads.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
            bases: self.bases.iter().map(|(b, n)| (*b, *n)).collect(),
            inputs,
        }
    }

    /// Writes the accumulator as a [`Partial`] in JSON, the same bytes as serialising
    /// [`Aggregate::to_partial`], but read in place: a copy of every week's sets and every
    /// author's and thread's counts had doubled the peak memory of `report weekly --partial`.
    pub fn write_partial(
        &self,
        inputs: &[InputSummary],
        out: impl std::io::Write,
    ) -> serde_json::Result<()> {
        let partial = PartialRef {
            format: PARTIAL_FORMAT,
            version: PARTIAL_VERSION,
            tz: self.tz.name(),
            inputs,
            weeks: self
                .weeks
                .iter()
                .map(|(&(year, number), (start, st))| PartialWeekRef {
                    week: week_label((year, number)),
                    year,
                    number,
                    start: *start,
                    stats: PartialStatsRef { agg: self, stats: st },
                })
                .collect(),
            undated: PartialStatsRef { agg: self, stats: &self.undated },
            authors: self.authors.iter().collect(),
            threads: self.threads.iter().collect(),
            bases: self.bases.iter().map(|(b, n)| (*b, *n)).collect(),
        };
        serde_json::to_writer(out, &partial)
    }

    /// The accumulator a [`Partial`] holds, and its inputs; an error names what is wrong
    /// (not a partial, a newer version, an unknown zone, a week naming an author or thread
    /// the partial does not count).
    pub fn from_partial(p: Partial) -> Result<(Aggregate, Vec<InputSummary>), String> {
        if p.format != PARTIAL_FORMAT {
            return Err(format!("not a weekly partial (format {:?})", p.format));
        }
        if p.version != PARTIAL_VERSION {
            return Err(format!(
                "partial version {} (this moderato reads version {PARTIAL_VERSION}; write the \
                 partials again with this version)",
                p.version
            ));
        }
        let tz: Tz = p.tz.parse().map_err(|_| format!("unknown time zone {:?}", p.tz))?;
        let mut agg = Aggregate::new(tz);
        for (name, st) in p.authors {
            let id = agg.authors.id(&name);
            *agg.authors.at_mut(id) = st;
        }
        for (name, st) in p.threads {
            let id = agg.threads.id(&name);
            *agg.threads.at_mut(id) = st;
        }
        let numbered = |st: PartialStats, agg: &Aggregate| -> Result<Stats, String> {
            let ids = |names: Vec<String>, index: &rustc_hash::FxHashMap<Arc<str>, u32>, what| {
                names
                    .into_iter()
                    .map(|n| {
                        index.get(n.as_str()).copied().ok_or_else(|| {
                            format!("a week names {what} {n:?}, missing from the partial's {what}s")
                        })
                    })
                    .collect::<Result<IdSet, String>>()
            };
            Ok(Stats {
                tally: st.tally,
                authors: ids(st.authors, &agg.authors.index, "author")?,
                threads: ids(st.threads, &agg.threads.index, "thread")?,
            })
        };
        for w in p.weeks {
            let stats = numbered(w.stats, &agg)?;
            agg.weeks.insert((w.year, w.number), (w.start, stats));
        }
        agg.undated = numbered(p.undated, &agg)?;
        agg.bases = p.bases.into_iter().collect();
        Ok((agg, p.inputs))
    }
}

/// [`Partial`], borrowing from the accumulator (same fields, same order).
#[derive(Serialize)]
struct PartialRef<'a> {
    format: &'a str,
    version: u32,
    tz: &'a str,
    inputs: &'a [InputSummary],
    weeks: Vec<PartialWeekRef<'a>>,
    undated: PartialStatsRef<'a>,
    authors: BTreeMap<&'a str, &'a AuthorStats>,
    threads: BTreeMap<&'a str, &'a ThreadStats>,
    bases: Vec<(Option<TimeBasis>, u64)>,
}

/// [`PartialWeek`], borrowing its counts.
#[derive(Serialize)]
struct PartialWeekRef<'a> {
    week: String,
    year: i32,
    number: u32,
    start: NaiveDate,
    stats: PartialStatsRef<'a>,
}

/// [`PartialStats`], naming a week's numbers as it is written.
struct PartialStatsRef<'a> {
    agg: &'a Aggregate,
    stats: &'a Stats,
}

impl Serialize for PartialStatsRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("PartialStats", 3)?;
        st.serialize_field("tally", &self.stats.tally)?;
        st.serialize_field("authors", &self.agg.authors.sorted_names(&self.stats.authors))?;
        st.serialize_field("threads", &self.agg.threads.sorted_names(&self.stats.threads))?;
        st.end()
    }
}

/// The first [`TOP_N`] of `items` in the order `cmp` gives (a total order), in that order.
fn top<T>(mut items: Vec<T>, cmp: impl Fn(&T, &T) -> std::cmp::Ordering) -> Vec<T> {
    if items.len() > TOP_N {
        items.select_nth_unstable_by(TOP_N, &cmp);
        items.truncate(TOP_N);
    }
    items.sort_by(&cmp);
    items
}

/// How many distinct numbers the sets hold together.
fn distinct<'a>(sets: impl Iterator<Item = &'a IdSet>) -> u64 {
    let mut all = IdSet::new();
    for set in sets {
        all.union_with(set);
    }
    all.len() as u64
}

fn share(n: u64, of: u64) -> Option<f64> {
    (of > 0).then(|| n as f64 / of as f64)
}

fn mean(sum_e4: i64, n: u64) -> Option<f64> {
    (n > 0).then(|| sum_e4 as f64 / Histogram::SCALE / n as f64)
}

/// A compound score in units of 0.0001 (VADER rounds compound to four decimals, so this is
/// exact).
fn e4(compound: f64) -> i64 {
    (compound * Histogram::SCALE).round() as i64
}

/// The figures of one week (or of the undated row, or the total).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// Records, every status.
    pub comments: u64,
    /// Records moderated (published, with text): the base of the flag shares.
    pub scored: u64,
    /// Of those, records whose tone was scored: the base of the tone figures.
    pub tone_scored: u64,
    /// Moderated records whose tone was not scored, by language.
    pub tone_not_scored: BTreeMap<String, u64>,
    /// Distinct authors.
    pub authors: u64,
    /// Distinct threads.
    pub threads: u64,
    /// Replies among records whose reply status is known.
    pub replies: u64,
    /// `replies` / records whose reply status is known.
    pub reply_share: Option<f64>,
    /// Mean compound of the tone-scored records.
    pub mean_compound: Option<f64>,
    /// Median compound of the tone-scored records.
    pub median_compound: Option<f64>,
    /// Share of tone-scored records that are positive.
    pub positive_share: Option<f64>,
    /// Share of tone-scored records that are neutral.
    pub neutral_share: Option<f64>,
    /// Share of tone-scored records that are negative.
    pub negative_share: Option<f64>,
    /// `positive_share − negative_share`.
    pub net_tone: Option<f64>,
    /// Scored records with a flag.
    pub flagged: u64,
    /// `flagged / scored`.
    pub flagged_share: Option<f64>,
    /// Scored records with a flag of each category.
    pub by_category: BTreeMap<String, u64>,
    /// `by_category / scored`.
    pub by_category_share: BTreeMap<String, f64>,
    /// Scored records per verdict.
    pub by_verdict: BTreeMap<String, u64>,
    /// Records per status.
    pub by_status: BTreeMap<Status, u64>,
    /// Records whose relative time could fall in a neighbouring week.
    pub time_uncertain: u64,
    /// Comments removed in the week (an archive's report; 0 otherwise).
    pub removed: u64,
    /// Comments edited in the week (an archive's report; 0 otherwise).
    pub edited: u64,
}

impl Row {
    /// Figures from one week's counts.
    pub fn from_stats(s: &Stats) -> Row {
        Row::from_tally(&s.tally, s.authors.len() as u64, s.threads.len() as u64)
    }

    /// Figures from counts and the numbers of distinct authors and threads.
    pub fn from_tally(s: &Tally, authors: u64, threads: u64) -> Row {
        let pos = share(s.positive, s.tone_scored);
        let neg = share(s.negative, s.tone_scored);
        Row {
            comments: s.comments,
            scored: s.scored,
            tone_scored: s.tone_scored,
            tone_not_scored: s.tone_not_scored.clone(),
            authors,
            threads,
            replies: s.replies,
            reply_share: share(s.replies, s.reply_known),
            mean_compound: mean(s.sum_compound_e4, s.tone_scored),
            median_compound: s.histogram.median(),
            positive_share: pos,
            neutral_share: share(s.neutral, s.tone_scored),
            negative_share: neg,
            net_tone: pos.zip(neg).map(|(p, n)| p - n),
            flagged: s.flagged,
            flagged_share: share(s.flagged, s.scored),
            by_category: s.by_category.clone(),
            by_category_share: s
                .by_category
                .iter()
                .filter_map(|(c, &n)| share(n, s.scored).map(|v| (c.clone(), v)))
                .collect(),
            by_verdict: s.by_verdict.clone(),
            by_status: s.by_status.clone(),
            time_uncertain: s.time_uncertain,
            removed: s.removed,
            edited: s.edited,
        }
    }
}

/// Change against the previous ISO week (present only when that week has records).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// Difference in records.
    pub comments: i64,
    /// Difference in mean compound.
    pub mean_compound: Option<f64>,
    /// Difference in net tone.
    pub net_tone: Option<f64>,
    /// Difference in flagged share.
    pub flagged_share: Option<f64>,
}

impl Change {
    fn between(prev: &Row, now: &Row) -> Change {
        let d = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| b - a);
        Change {
            comments: now.comments as i64 - prev.comments as i64,
            mean_compound: d(prev.mean_compound, now.mean_compound),
            net_tone: d(prev.net_tone, now.net_tone),
            flagged_share: d(prev.flagged_share, now.flagged_share),
        }
    }
}

/// One ISO week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeekRow {
    /// `2024-W43`.
    pub week: String,
    /// The Monday, in the report's zone.
    pub start: NaiveDate,
    /// The figures.
    #[serde(flatten)]
    pub row: Row,
    /// Against the previous ISO week; `None` when that week has no records.
    pub change: Option<Change>,
}

/// An author in the most-flagged list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthorRow {
    /// Name.
    pub author: String,
    /// Records.
    pub comments: u64,
    /// Flagged records.
    pub flagged: u64,
    /// Flagged / scored.
    pub flagged_share: Option<f64>,
    /// Flagged records per category.
    pub by_category: BTreeMap<String, u64>,
}

/// A thread in the most-heated list: ranked by records that are negative or flagged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThreadRow {
    /// Thread name (URL, title or id).
    pub thread: String,
    /// Records.
    pub comments: u64,
    /// Records that are negative or flagged.
    pub heated: u64,
    /// Heated / scored.
    pub heated_share: Option<f64>,
    /// Negative records.
    pub negative: u64,
    /// Flagged records.
    pub flagged: u64,
    /// Mean compound.
    pub mean_compound: Option<f64>,
    /// The start of its most negative comment.
    pub most_negative: Option<String>,
}

/// How many records got their time in one way.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BasisCount {
    /// The basis; `None` for undated records.
    pub basis: Option<TimeBasis>,
    /// Records.
    pub comments: u64,
    /// In words.
    pub description: String,
}

/// One input of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputSummary {
    /// The name given.
    pub name: String,
    /// The kind read (detected or forced).
    pub kind: String,
    /// Records read.
    pub records: u64,
    /// Records skipped as malformed.
    pub skipped: u64,
    /// The reference time for relative stamps and where it came from, if one was used.
    pub reference: Option<String>,
    /// Records that repeat a comment an earlier record (in this input or another capture of
    /// its thread) already counted: folded into it, not counted again.
    #[serde(default)]
    pub duplicates: u64,
}

/// The weekly report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeeklyReport {
    /// The zone weeks are cut in.
    pub tz: String,
    /// The inputs (filled by the caller).
    pub inputs: Vec<InputSummary>,
    /// Records folded into a comment already counted (the inputs' `duplicates`, added up).
    pub duplicates_folded: u64,
    /// True when the report comes from an archive, which knows removals and edits (the
    /// rows' `removed` and `edited`).
    pub changes_tracked: bool,
    /// How the records' times were obtained.
    pub time_basis: Vec<BasisCount>,
    /// Every flag category met, sorted.
    pub categories: Vec<String>,
    /// ISO weeks with records, in order.
    pub weeks: Vec<WeekRow>,
    /// Records without a usable time.
    pub undated: Row,
    /// Everything.
    pub total: Row,
    /// Authors with the most flagged comments.
    pub most_flagged_authors: Vec<AuthorRow>,
    /// Threads with the most negative or flagged comments.
    pub most_heated_threads: Vec<ThreadRow>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::SourceRef;

    fn rec(t: Option<&str>, author: &str) -> CommentRecord {
        CommentRecord {
            native_id: true,
            id: "x".into(),
            thread: Some("t".into()),
            author: Some(author.into()),
            posted_at: t.map(|t| DateTime::parse_from_rfc3339(t).unwrap().with_timezone(&Utc)),
            posted_text: None,
            time_basis: t.map(|_| TimeBasis::Stamped),
            posted_window: None,
            parent_id: None,
            is_reply: Some(false),
            body: "b".into(),
            truncated: false,
            status: Status::Approved,
            source: SourceRef { input: "i".into(), line: 1, element: None },
        }
    }

    fn scored(c: f64, cats: &[&str]) -> Scored {
        Scored {
            language: "en".into(),
            compound: Some(c),
            verdict: if cats.is_empty() { "ok" } else { "review" }.into(),
            categories: cats.iter().map(|s| s.to_string()).collect(),
            toxicity: None,
        }
    }

    #[test]
    fn the_week_cache_agrees_with_the_calendar_across_offset_changes() {
        let zones = [
            Tz::UTC,
            chrono_tz::Europe::Paris,
            chrono_tz::America::St_Johns,
            chrono_tz::Asia::Kathmandu,
            chrono_tz::America::Santiago,
        ];
        for tz in zones {
            let mut agg = Aggregate::new(tz);
            let t0 = DateTime::parse_from_rfc3339("2023-01-01T00:00:00Z").unwrap().timestamp();
            // Forward in 37-minute steps over two years, then back and forth.
            let steps = (0..2 * 365 * 24 * 60 / 37).map(|k| t0 + k * 37 * 60);
            let jumps = (0..5000).map(|k| t0 + (k * 7919 % 5000) * 12_345);
            for s in steps.chain(jumps) {
                let t = DateTime::from_timestamp(s, 0).unwrap();
                assert_eq!(agg.week(t), week_of(t, tz), "{t} in {tz}");
            }
        }
    }

    #[test]
    fn week_boundaries_follow_the_zone() {
        // 2026-03-08T23:30Z is a Sunday in UTC, Monday in Paris.
        let t = DateTime::parse_from_rfc3339("2026-03-08T23:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(week_label(week_of(t, Tz::UTC).0), "2026-W10");
        let (k, start) = week_of(t, chrono_tz::Europe::Paris);
        assert_eq!((week_label(k), start.to_string()), ("2026-W11".into(), "2026-03-09".into()));
        // ISO year differs from the calendar year at the turn.
        let t = DateTime::parse_from_rfc3339("2024-12-30T10:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(week_label(week_of(t, Tz::UTC).0), "2025-W01");
    }

    #[test]
    fn split_inputs_merge_to_the_whole() {
        let items = [
            (Some("2024-10-21T10:00:00Z"), "a", Some(scored(0.5, &["insult"]))),
            (Some("2024-10-22T10:00:00Z"), "b", Some(scored(-0.6, &[]))),
            (Some("2024-10-29T10:00:00Z"), "a", Some(scored(0.0, &["insult", "spam"]))),
            (None, "c", None),
        ];
        let mut whole = Aggregate::new(Tz::UTC);
        let mut parts = [Aggregate::new(Tz::UTC), Aggregate::new(Tz::UTC)];
        for (i, (t, a, s)) in items.iter().enumerate() {
            let r = rec(*t, a);
            whole.add(&r, s.as_ref());
            parts[i % 2].add(&r, s.as_ref());
        }
        let [mut p0, p1] = parts;
        p0.merge(&p1);
        assert_eq!(p0.finish(), whole.finish());
        let rep = whole.finish();
        assert_eq!(rep.weeks.len(), 2);
        assert_eq!(rep.undated.comments, 1);
        assert_eq!(rep.most_flagged_authors[0].author, "a");
        assert_eq!(rep.most_flagged_authors[0].flagged, 2);
        let change = rep.weeks[1].change.as_ref().unwrap();
        assert_eq!(change.comments, -1);
    }

    #[test]
    fn partial_json_round_trips_and_refuses_other_versions() {
        let mut agg = Aggregate::new(chrono_tz::Europe::Paris);
        agg.add(&rec(Some("2024-10-21T10:00:00Z"), "a"), Some(&scored(-0.3612, &["insult"])));
        agg.add(&rec(None, "b"), None);
        let json = serde_json::to_string(&agg.to_partial(Vec::new())).unwrap();
        assert!(!json.contains('\n'));
        let p: Partial = serde_json::from_str(&json).unwrap();
        let (back, inputs) = Aggregate::from_partial(p.clone()).unwrap();
        assert_eq!((back.finish(), inputs.len()), (agg.finish(), 0));
        let e = Aggregate::from_partial(Partial { version: 99, ..p }).unwrap_err();
        assert!(e.contains("version 99"), "{e}");
    }

    #[test]
    fn partial_written_in_place_is_the_copy_serialised() {
        let mut agg = Aggregate::new(chrono_tz::Europe::Paris);
        let items = [
            (Some("2024-10-21T10:00:00Z"), "a", Some(scored(-0.3612, &["insult"]))),
            (Some("2024-10-22T10:00:00Z"), "b", Some(scored(0.5, &[]))),
            (Some("2024-10-29T10:00:00Z"), "a", Some(scored(0.1, &["spam", "insult"]))),
            (None, "c", None),
        ];
        for (t, a, s) in &items {
            agg.add(&rec(*t, a), s.as_ref());
        }
        let inputs = vec![InputSummary {
            name: "x.ndjson".into(),
            kind: "reddit".into(),
            records: 4,
            skipped: 0,
            reference: Some("2024-11-01T00:00:00Z (--now)".into()),
            duplicates: 1,
        }];
        let mut written = Vec::new();
        agg.write_partial(&inputs, &mut written).unwrap();
        let copied = serde_json::to_vec(&agg.to_partial(inputs)).unwrap();
        assert_eq!(String::from_utf8(written).unwrap(), String::from_utf8(copied).unwrap());
    }

    #[test]
    fn names_are_numbered_once_and_weeks_hold_numbers() {
        let mut agg = Aggregate::new(Tz::UTC);
        for (t, a) in [
            ("2024-10-21T10:00:00Z", "a"),
            ("2024-10-29T10:00:00Z", "a"),
            ("2024-10-29T11:00:00Z", "b"),
        ] {
            agg.add(&rec(Some(t), a), None);
        }
        assert_eq!(agg.authors.len(), 2);
        assert_eq!(agg.authors.get("a").map(|s| s.comments), Some(2));
        let weeks: Vec<usize> = agg.weeks.values().map(|(_, st)| st.authors.len()).collect();
        assert_eq!(weeks, [1, 2]);
        let rep = agg.finish();
        assert_eq!((rep.total.authors, rep.total.threads), (2, 1));
    }

    #[test]
    fn merging_renumbers_the_other_accumulators_names() {
        // The same names met in a different order get different numbers in each part.
        let mut p0 = Aggregate::new(Tz::UTC);
        let mut p1 = Aggregate::new(Tz::UTC);
        let mut whole = Aggregate::new(Tz::UTC);
        let week1 = "2024-10-21T10:00:00Z";
        for (part, t, a) in [
            (0, week1, "a"),
            (0, week1, "b"),
            (1, week1, "c"),
            (1, week1, "b"),
            (1, "2024-10-29T10:00:00Z", "a"),
        ] {
            let r = rec(Some(t), a);
            [&mut p0, &mut p1][part].add(&r, Some(&scored(-0.5, &["insult"])));
            whole.add(&r, Some(&scored(-0.5, &["insult"])));
        }
        assert_ne!(p0.authors.name(0), p1.authors.name(0));
        p0.merge(&p1);
        let rep = p0.finish();
        assert_eq!(rep, whole.finish());
        assert_eq!(rep.weeks[0].row.authors, 3);
        assert_eq!(rep.weeks[1].row.authors, 1);
        assert_eq!(rep.total.authors, 3);
        assert_eq!(p0.authors.get("a").map(|s| s.flagged), Some(2));
        // Back from a partial, names are numbered again and the report is the same.
        let p: Partial =
            serde_json::from_str(&serde_json::to_string(&p0.to_partial(Vec::new())).unwrap())
                .unwrap();
        let (back, _) = Aggregate::from_partial(p).unwrap();
        assert_eq!(back.finish(), rep);
    }

    #[test]
    fn parts_cloned_from_one_roster_merge_number_for_number() {
        // An archive's parts start from one accumulator that already numbers every name.
        let mut start = Aggregate::new(Tz::UTC);
        for a in ["c", "a", "b"] {
            start.authors.id(a);
        }
        let (mut p0, mut p1, mut whole) = (start.clone(), start.clone(), Aggregate::new(Tz::UTC));
        for (part, t, a) in [
            (0, "2024-10-21T10:00:00Z", "a"),
            (0, "2024-10-21T11:00:00Z", "c"),
            (1, "2024-10-22T10:00:00Z", "b"),
            (1, "2024-10-29T10:00:00Z", "a"),
        ] {
            let r = rec(Some(t), a);
            let s = scored(-0.5, &["insult"]);
            [&mut p0, &mut p1][part].add(&r, Some(&s));
            whole.add(&r, Some(&s));
        }
        p0.merge(&p1);
        assert_eq!(p0.authors.len(), 3);
        assert_eq!(p0.authors.get("a").map(|s| s.comments), Some(2));
        assert_eq!(p0.finish(), whole.finish());
        assert_eq!(p0.finish().weeks[0].row.authors, 3);
    }

    #[test]
    fn a_partial_week_naming_an_unknown_author_is_refused() {
        let mut agg = Aggregate::new(Tz::UTC);
        agg.add(&rec(Some("2024-10-21T10:00:00Z"), "a"), None);
        let mut p = agg.to_partial(Vec::new());
        p.weeks[0].stats.authors.push("zed".into());
        let e = Aggregate::from_partial(p).unwrap_err();
        assert!(e.contains("\"zed\""), "{e}");
    }

    #[test]
    fn a_records_categories_count_once_each() {
        let mut agg = Aggregate::new(Tz::UTC);
        agg.add(&rec(None, "a"), Some(&scored(-0.5, &["insult", "spam", "insult"])));
        let rep = agg.finish();
        assert_eq!(rep.total.by_category.get("insult"), Some(&1));
        assert_eq!(rep.total.by_category.get("spam"), Some(&1));
        assert_eq!(rep.most_flagged_authors[0].by_category.get("insult"), Some(&1));
    }
}
