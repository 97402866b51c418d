//! Language: which language a comment (or an article) is written in, and how sure that is.
//!
//! VADER's lexicon is English: read over German it finds noise and reports it as tone. The
//! audit therefore asks first what language a text is in, and scores tone only where VADER
//! speaks it ([`ToneLanguages`]).
//!
//! Identification is [`whichlang`] (Quickwit's logistic model over letter n-grams: 16
//! languages, ~1 µs for a comment), measured against whatlang and lingua on the project's
//! labeled comments (BENCHMARKS.md, "Languages"). Two things are added around it:
//!
//! - **A function-word screen** over the first words (the, and, you, der, und, ich, le, que,
//!   …). A comment with several English function words and none of another language's is
//!   English without asking the model, which keeps the audit of English streams as fast as
//!   before; the same counts give the model's answer its confidence.
//! - **`und` when unsure**: no letters, fewer than three words with nothing to go on, or the
//!   function words of another language outweighing the model's choice. whichlang always
//!   names one of its 16 languages; the screen is what lets moderato say "I do not know".

use std::collections::BTreeSet;

/// A text's language: an ISO 639-1 code (`en`, `de`, …) or `und`, and a confidence, 0–1.
/// Outputs show it as `language` and `language_confidence` (two decimals).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Language {
    /// ISO 639-1 code, or `und` (undetermined).
    #[serde(rename = "language")]
    pub code: &'static str,
    /// How sure: 0 for `und` without any evidence, up to 0.99.
    #[serde(rename = "language_confidence", serialize_with = "two_decimals")]
    pub confidence: f64,
}

fn two_decimals<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((x * 100.0).round() / 100.0)
}

impl Language {
    /// The undetermined language.
    pub const UND: Language = Language { code: "und", confidence: 0.0 };

    /// True for `und`.
    pub fn is_und(&self) -> bool {
        self.code == "und"
    }

    /// The language of a comment on a page in `page`: its own, or, when it is too short to
    /// tell (`und`, e.g. a link or "Thanks!"), the page's, at half the page's confidence.
    pub fn or_page(self, page: Language) -> Language {
        if self.is_und() && !page.is_und() {
            Language { code: page.code, confidence: page.confidence * 0.5 }
        } else {
            self
        }
    }

    /// The language most of these are in (by summed confidence), `und` when none is known.
    pub fn majority(langs: impl IntoIterator<Item = Language>) -> Language {
        let mut by: Vec<(&'static str, f64, usize)> = Vec::new();
        for l in langs.into_iter().filter(|l| !l.is_und()) {
            match by.iter_mut().find(|(c, _, _)| *c == l.code) {
                Some(e) => {
                    e.1 += l.confidence;
                    e.2 += 1;
                }
                None => by.push((l.code, l.confidence, 1)),
            }
        }
        by.into_iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(Language::UND, |(code, sum, n)| Language { code, confidence: sum / n as f64 })
    }
}

/// The languages tone is scored in (`--tone-languages`): English by default, since VADER's
/// lexicon is English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToneLanguages {
    /// Every language (`--tone-languages all`).
    All,
    /// These ISO 639-1 codes.
    Only(BTreeSet<String>),
}

impl Default for ToneLanguages {
    fn default() -> Self {
        ToneLanguages::Only(BTreeSet::from(["en".to_string()]))
    }
}

impl ToneLanguages {
    /// Reads `en,de` or `all`; codes are ISO 639-1 (two lowercase letters) or `und`.
    pub fn parse(list: &str) -> Result<ToneLanguages, String> {
        let list = list.trim();
        if list.eq_ignore_ascii_case("all") || list == "*" {
            return Ok(ToneLanguages::All);
        }
        let mut set = BTreeSet::new();
        for code in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let code = code.to_ascii_lowercase();
            let ok =
                code == "und" || (code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()));
            if !ok {
                return Err(format!(
                    "{code:?} is not a language code (ISO 639-1, e.g. en,de; or und, or all)"
                ));
            }
            set.insert(code);
        }
        if set.is_empty() {
            return Err("no language given (e.g. en,de or all)".to_string());
        }
        Ok(ToneLanguages::Only(set))
    }

    /// Whether tone is scored for a text in `lang`. A text without words (emoji, emoticons,
    /// a link) is scored whatever its language: VADER reads those without a lexicon of words.
    pub fn scores(&self, lang: &Language, text: &str) -> bool {
        match self {
            ToneLanguages::All => true,
            ToneLanguages::Only(set) => {
                set.contains(lang.code) || (lang.is_und() && !has_words(text))
            }
        }
    }
}

/// Why a text has no tone, as the outputs say it.
pub const SKIPPED_LANGUAGE: &str = "language";

/// Languages the function-word screen knows, by bit.
const EN: u8 = 1;
const DE: u8 = 2;
const FR: u8 = 4;
const ES: u8 = 8;
const IT: u8 = 16;
const NL: u8 = 32;
const PT: u8 = 64;
const SCREENED: [(u8, &str); 7] =
    [(EN, "en"), (DE, "de"), (FR, "fr"), (ES, "es"), (IT, "it"), (NL, "nl"), (PT, "pt")];

/// The languages whose frequent function words `w` (lower case) is. Only words that are
/// frequent in one language and rare in the others are listed; words shared by several
/// (`de`, `a`, `in`, `la`) carry each bit.
fn function_word(w: &[u8]) -> u8 {
    match w {
        b"the" | b"and" | b"you" | b"that" | b"are" | b"this" | b"it" | b"of" | b"to" | b"for"
        | b"with" | b"not" | b"have" | b"but" | b"they" | b"what" | b"be" | b"on" | b"at"
        | b"he" | b"she" | b"we" | b"my" | b"your" | b"if" | b"just" | b"can" | b"will"
        | b"would" | b"do" | b"don't" | b"i'm" | b"it's" | b"from" | b"there" | b"has" | b"all"
        | b"about" | b"like" | b"who" | b"get" | b"were" | b"been" | b"their" | b"his" | b"our"
        | b"me" | b"or" | b"how" | b"why" | b"when" | b"than" | b"out" | b"up" | b"because"
        | b"should" | b"could" | b"one" | b"does" | b"did" | b"its" | b"which" | b"them"
        | b"only" | b"any" | b"i" | b"u" | b"ur" | b"lol" | b"im" | b"dont" => EN,
        b"der" | b"und" | b"ist" | b"nicht" | b"ich" | b"das" | b"ein" | b"eine" | b"zu"
        | b"den" | b"mit" | b"sich" | b"auf" | b"auch" | b"dem" | b"wie" | b"sie" | b"wir"
        | b"aber" | b"noch" | b"nach" | b"bei" | b"aus" | b"wenn" | b"nur" | b"oder" | b"hat"
        | b"wird" | b"sind" | b"kann" | b"schon" | b"mir" | b"mich" | b"dass" | b"habe"
        | b"einen" | b"einem" | b"einer" | b"vom" | b"zum" | b"zur" | b"doch" | b"dann"
        | b"gibt" | b"mal" | b"diese" | b"dieser" | b"ja" | b"euch" | b"sehr" | b"danke"
        | b"hallo" | b"viele" | b"immer" | b"die" => DE,
        b"le" | b"les" | b"et" | b"est" | b"une" | b"pas" | b"vous" | b"nous" | b"elle"
        | b"sur" | b"pour" | b"dans" | b"avec" | b"qui" | b"au" | b"aux" | b"ce" | b"cette"
        | b"mais" | b"sont" | b"ont" | b"plus" | b"tout" | b"merci" => FR,
        b"el" | b"los" | b"las" | b"y" | b"por" | b"con" | b"pero" | b"muy" | b"esta" | b"este"
        | b"como" | b"su" | b"del" | b"lo" | b"al" | b"gracias" => ES,
        b"che" | b"di" | b"non" | b"sono" | b"gli" | b"per" | b"della" | b"anche" | b"questo"
        | b"ma" | b"molto" | b"grazie" | b"ho" | b"hai" => IT,
        b"het" | b"een" | b"van" | b"niet" | b"ik" | b"dat" | b"zijn" | b"op" | b"met"
        | b"voor" | b"maar" | b"ook" | b"wat" | b"heb" | b"deze" | b"bedankt" => NL,
        b"uma" | b"os" | b"com" | b"muito" | b"obrigado" | b"isso" | b"mas" | b"ao" | b"foi" => PT,
        b"is" => EN | NL,
        b"was" => EN | DE | NL,
        b"war" | b"so" | b"an" => EN | DE,
        b"no" => EN | ES | IT | PT,
        b"des" | b"du" => DE | FR,
        b"es" => DE | ES,
        b"hier" => DE | FR | NL,
        b"il" => FR | IT,
        b"una" => ES | IT,
        b"je" => FR | NL,
        b"para" => ES | PT,
        b"que" => ES | FR | PT,
        b"de" => FR | ES | NL | PT,
        b"la" => FR | ES | IT,
        b"in" => EN | DE | NL | IT,
        b"a" => EN | ES | IT | PT,
        b"en" => FR | ES | NL,
        _ => 0,
    }
}

/// Fewer words than this, with no function word, are too few for the model alone.
const SHORT: usize = 5;

/// How many words the screen reads.
const SCREEN_WORDS: usize = 40;

/// What the screen saw: letter words, and function-word hits per screened language (all
/// hits, and hits of words that belong to that language alone).
#[derive(Debug, Default, Clone, Copy)]
struct Screen {
    words: usize,
    letters: usize,
    hits: [u16; 7],
    own: [u16; 7],
}

/// Whether a token is a link, a handle, a hashtag or a retweet mark (no language in it).
fn noise(tok: &[u8]) -> bool {
    matches!(tok.first(), Some(b'@' | b'#'))
        || tok.starts_with(b"http")
        || tok.starts_with(b"www.")
        || tok == b"RT"
}

fn is_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// A byte that belongs to a word: ASCII letters and digits, the apostrophe, and anything
/// outside ASCII (read as a letter: the screen only needs to know a word has one).
fn wordy(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'\'' || b >= 0x80
}

fn screen(text: &str) -> Screen {
    let mut s = Screen::default();
    let mut buf = [0u8; 8];
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        // One token: up to ASCII whitespace (non-ASCII spaces are rare in comments and only
        // glue two words into one here).
        while i < n && is_space(bytes[i]) {
            i += 1;
        }
        let start = i;
        while i < n && !is_space(bytes[i]) {
            i += 1;
        }
        let tok = &bytes[start..i];
        if tok.is_empty() || noise(tok) {
            continue;
        }
        // The word inside its punctuation (an apostrophe stays: "don't").
        let Some(a) = tok.iter().position(|&b| wordy(b)) else { continue };
        let z = tok.iter().rposition(|&b| wordy(b)).unwrap_or(a);
        let word = &tok[a..=z];
        let letters = word.iter().filter(|b| b.is_ascii_alphabetic() || **b >= 0x80).count();
        if letters == 0 {
            continue;
        }
        s.words += 1;
        s.letters += letters;
        if s.words > SCREEN_WORDS {
            break;
        }
        // Function words are short: only those are looked up.
        let bits = if word.len() <= buf.len() && word.is_ascii() {
            let b = &mut buf[..word.len()];
            b.copy_from_slice(word);
            b.make_ascii_lowercase();
            function_word(b)
        } else if word.len() <= 24 && !word.is_ascii() {
            std::str::from_utf8(word)
                .map_or(0, |w| function_word_outside_ascii(&w.to_lowercase().replace('’', "'")))
        } else {
            0
        };
        if bits != 0 {
            let alone = bits.is_power_of_two();
            for (k, (bit, _)) in SCREENED.iter().enumerate() {
                if bits & bit != 0 {
                    s.hits[k] += 1;
                    s.own[k] += u16::from(alone);
                }
            }
            // Enough English of its own, and nothing of another language's own: stop reading.
            if s.own[0] >= EARLY_EN && s.own[1..].iter().all(|&h| h == 0) {
                break;
            }
        }
    }
    s
}

/// Function words written outside ASCII (and "don’t" with a typographic apostrophe).
fn function_word_outside_ascii(w: &str) -> u8 {
    match w {
        "für" | "über" | "können" | "würde" | "wäre" | "schön" | "grüße" | "natürlich" => {
            DE
        }
        "très" | "été" | "où" | "ça" | "déjà" => FR,
        "más" | "también" | "qué" | "sí" => ES,
        "è" | "perché" | "più" | "già" => IT,
        "não" | "você" => PT,
        "está" | "também" => ES | PT,
        _ => function_word(w.as_bytes()),
    }
}

/// English function words that end the screen early when no other language's were seen.
const EARLY_EN: u16 = 3;

/// True when the text holds at least one word with a letter (links, handles and hashtags
/// are not words).
pub fn has_words(text: &str) -> bool {
    text.split_whitespace().any(|t| !noise(t.as_bytes()) && t.chars().any(char::is_alphabetic))
}

fn code_of(lang: whichlang::Lang) -> &'static str {
    use whichlang::Lang::*;
    match lang {
        Ara => "ar",
        Cmn => "zh",
        Deu => "de",
        Eng => "en",
        Fra => "fr",
        Hin => "hi",
        Ita => "it",
        Jpn => "ja",
        Kor => "ko",
        Nld => "nl",
        Por => "pt",
        Rus => "ru",
        Spa => "es",
        Swe => "sv",
        Tur => "tr",
        Vie => "vi",
    }
}

/// Most characters the model reads: enough to decide, bounded for long texts.
const MODEL_CHARS: usize = 600;

/// Identifies the language of `text`.
pub fn identify(text: &str) -> Language {
    let s = screen(text);
    if s.words == 0 || s.letters < 2 {
        return Language::UND;
    }
    // Clearly English by function words of its own: no need to ask the model.
    let en = usize::from(s.own[0]);
    let best_other = (1..7).map(|k| usize::from(s.own[k])).max().unwrap_or(0);
    if en >= 3 && en >= 2 * best_other + 2 {
        return Language { code: "en", confidence: confidence(en - best_other, s.words) };
    }
    // The model, on the text without links and handles, cut at a character boundary.
    let clean: String = {
        let mut out = String::with_capacity(text.len().min(MODEL_CHARS));
        for tok in text.split_whitespace().filter(|t| !noise(t.as_bytes())) {
            if out.len() + tok.len() > MODEL_CHARS {
                break;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(tok);
        }
        out
    };
    let code = code_of(whichlang::detect_language(&clean));
    let own = SCREENED.iter().position(|(_, c)| *c == code).map(|k| usize::from(s.hits[k]));
    let rival = SCREENED
        .iter()
        .enumerate()
        .filter(|(_, (_, c))| *c != code)
        .map(|(k, _)| usize::from(s.hits[k]))
        .max()
        .unwrap_or(0);
    match own {
        // A language the screen knows: its function words must not lose to another's.
        Some(own) if rival > own + 1 => Language::UND,
        // A few words with no function word to back the model ("Horrible terrible news" reads
        // as French or Spanish as well): only English, VADER's own, is taken on its word, and
        // with little confidence; anything else is too short to tell.
        Some(0) if s.words < SHORT && code == "en" => Language { code, confidence: 0.5 },
        Some(0) if s.words < SHORT => Language::UND,
        Some(own) => {
            let margin = (own + 1).saturating_sub(rival);
            Language { code, confidence: confidence(margin, s.words) }
        }
        // Outside the screen (Russian, Japanese, …): the model alone, on enough text.
        None if s.letters >= 8 && rival <= 1 => {
            Language { code, confidence: confidence(1, s.words).max(0.6) }
        }
        None => Language::UND,
    }
}

/// Confidence from the function-word margin and the number of words: more of both, surer.
fn confidence(margin: usize, words: usize) -> f64 {
    let by_margin = 1.0 - 0.5f64.powi(margin as i32 + 1);
    let by_length = 1.0 - 0.7f64.powi(words as i32);
    (by_margin * 0.5 + by_length * 0.5).clamp(0.0, 0.99)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_comments() {
        for (text, code) in [
            ("I think this is the best article I have read on the topic.", "en"),
            ("You are a complete idiot and everyone knows it", "en"),
            ("Ich habe den Kuchen gestern gebacken und er war super lecker!", "de"),
            ("Wie gross muss das Blech denn sein?", "de"),
            ("Je ne suis pas d'accord avec cet article, il est trop long.", "fr"),
            ("No estoy de acuerdo con el autor, pero es una buena idea.", "es"),
            ("Non sono d'accordo, ma è un buon articolo.", "it"),
            ("Ik ben het niet eens met de schrijver van dit stuk.", "nl"),
            ("Это очень интересная статья, спасибо автору.", "ru"),
        ] {
            assert_eq!(identify(text).code, code, "{text:?}");
            assert!(identify(text).confidence >= 0.5, "{text:?}: {:?}", identify(text));
        }
    }

    #[test]
    fn nothing_to_go_on_is_und() {
        for text in ["", "😀😀", ":-)", "http://example.com/page", "@someone #tag", "12345"] {
            assert_eq!(identify(text), Language::UND, "{text:?}");
        }
        // A few words the model reads as another language, with no function word to back
        // it, are too few to tell; English is taken, unsure.
        assert_eq!(identify("Horrible terrible news").code, "und");
        let ok = identify("ok");
        assert!(ok.code == "en" && ok.confidence <= 0.5, "{ok:?}");
    }

    #[test]
    fn tone_is_scored_in_the_chosen_languages_and_for_texts_without_words() {
        let en_only = ToneLanguages::default();
        let en = identify("This is a great article, thank you for writing it.");
        let de = identify("Das ist ein sehr guter Artikel, vielen Dank dafür.");
        assert!(en_only.scores(&en, "x") && !en_only.scores(&de, "x"));
        assert!(en_only.scores(&Language::UND, "😀 :-)"));
        assert!(!en_only.scores(&Language::UND, "lol"));
        let both = ToneLanguages::parse("en, DE").unwrap();
        assert!(both.scores(&de, "x"));
        assert!(ToneLanguages::parse("all").unwrap().scores(&de, "x"));
        assert!(ToneLanguages::parse("english").is_err());
        assert!(ToneLanguages::parse(" , ").is_err());
    }
}
