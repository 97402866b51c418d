#!/usr/bin/env python3
"""Generate tests/fixtures/vader/tricky.jsonl: adversarial and random text scored by the
live reference vaderSentiment 3.3.2 (pip install vaderSentiment==3.3.2).

Usage: python3 bench/tone/gen_tricky.py [N=2000] > tests/fixtures/vader/tricky.jsonl

Deterministic (seeded). Each line: {"id","kind","text","neg","neu","pos","compound"}.
"""
import json
import random
import sys

import vaderSentiment
from vaderSentiment.vaderSentiment import (BOOSTER_DICT, NEGATE, SPECIAL_CASES,
                                           SENTIMENT_LADEN_IDIOMS,
                                           SentimentIntensityAnalyzer)

N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
rng = random.Random(20140601)
an = SentimentIntensityAnalyzer()

LEX = sorted(an.lexicon)
LEX_WORDS = [w for w in LEX if w.isalpha()]
EMO1 = sorted(k for k in an.emojis if len(k) == 1)
EMO_MULTI = sorted(k for k in an.emojis if len(k) > 1)
BOOST = sorted(BOOSTER_DICT)
FUNCTION = ("the a an i it is was be to of and or nor in on at for this that so very "
            "no not never without doubt least kind sort just enough but yet however "
            "movie film plot really quite much").split()
EMOTICONS = [":(", ":)", ":D", ":P", ":-)", ":-(", ";)", "<3", "</3", ":/", ":'(", "xD",
             "XD", ":p", ":d", "=)", "^_^", "(:", "):", ":-D", ":-P", ":O", ":o", "D:",
             ":-Þ", ":Þ", "O.o", "o_O", "( '}{' )", ":|", ":*", "8)"]
PHRASES = ["kind of", "sort of", "kind-of", "at least", "very least", "the least",
           "never so", "never this", "never been so", "without a doubt", "without doubt",
           "no good", "no no", "not bad", "no or good", "no nor bad", "can't stand",
           "fed up", "screwed up", "heart", "hearts", "HEART", "yeah right", "the shit",
           "the bomb", "bad ass", "badass", "kiss of death", "to die for",
           "beating heart", "bus stop", "cut the mustard", "upper hand", "in the red",
           "isn't", "doesn't", "don't", "ain't", "cant", "wont", "n't", "N'T",
           "but", "BUT", "But", "but,", "but...", "kinda", "sorta", "just enough"]
PUNCT = ["!", "!!", "!!!", "!!!!!", "?", "??", "???", "????", "?!", "!?", "...", ",",
         ".", ";", ":", "'", '"', "-", "--", "(", ")", "*", "#", "@", "~", "`"]
SPACES = [" ", " ", " ", " ", "  ", "\t", "\n", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d",
          "\x1e", "\x1f", "\x85", "\xa0", "\u1680", "\u2000", "\u2007", "\u200a",
          "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\u200b", "\ufeff", "\x00"]
ODD_CHARS = ["\u212a", "\u0130", "\u03a3", "\u03c3", "\u03c2", "\u01c5", "\u01c8",
             "\u01cb", "\u01f2", "\u1f88", "\u24b6", "\u24d0", "\u1d43", "\u00aa",
             "\u00df", "\u1e9e", "\u0149", "\ufb00", "\u2160", "\u2170", "\u00e9",
             "\u00c9", "\u0301", "\u0307", "\u0130", "\U0001d400", "\U0001d41a",
             "\u10a0", "\u2d00", "\u13a0", "\uab70", "\u0345", "\u1e00", "\u0100",
             "\U0001e900", "\U0001e922", "\u2c2f", "\ua7c0", "\ua7d0", "\U00010570",
             "\U00010597", "\u0000", "\u0007", "\u007f", "\u0080", "\u009f", "\u00ad",
             "\u200d", "\ufe0f", "\u20e3", "\U000e0067", "\U0010ffff"]


def case(w):
    r = rng.random()
    if r < 0.6:
        return w
    if r < 0.8:
        return w.upper()
    if r < 0.9:
        return w.capitalize()
    return "".join(c.upper() if rng.random() < 0.5 else c for c in w)


def word():
    r = rng.random()
    if r < 0.30:
        w = rng.choice(LEX_WORDS)
    elif r < 0.40:
        w = rng.choice(LEX)
    elif r < 0.55:
        w = rng.choice(FUNCTION)
    elif r < 0.63:
        w = rng.choice(BOOST)
    elif r < 0.70:
        w = rng.choice(NEGATE)
    elif r < 0.78:
        w = rng.choice(PHRASES)
    elif r < 0.84:
        w = rng.choice(EMOTICONS)
    elif r < 0.89:
        w = rng.choice(EMO1)
    elif r < 0.91:
        w = rng.choice(EMO_MULTI)
    elif r < 0.94:
        w = rng.choice(list(SPECIAL_CASES) + list(SENTIMENT_LADEN_IDIOMS))
    elif r < 0.97:
        w = rng.choice("aAiIxXoO!?.,:;'-")
    else:
        w = rng.choice(ODD_CHARS) + rng.choice(LEX_WORDS)
    w = case(w)
    if rng.random() < 0.15:
        w = rng.choice(PUNCT) + w
    if rng.random() < 0.25:
        w = w + rng.choice(PUNCT)
    if rng.random() < 0.03:
        w = w.replace("k", "\u212a").replace("K", "\u212a")
    return w


def sep():
    return " " if rng.random() < 0.85 else rng.choice(SPACES)


def salad(lo, hi):
    out = []
    for _ in range(rng.randint(lo, hi)):
        out.append(word())
        out.append(sep())
    s = "".join(out)
    if rng.random() < 0.2:
        s = s.strip()
    if rng.random() < 0.1:
        # glue an emoji to a word without a space
        s = s.replace(" ", rng.choice(EMO1), 1)
    return s


def random_unicode(lo, hi):
    pools = [(0x20, 0x7e), (0x00, 0x20), (0x80, 0x24f), (0x370, 0x3ff), (0x400, 0x4ff),
             (0x1e00, 0x1fff), (0x2000, 0x206f), (0x2100, 0x24ff), (0x3000, 0x30ff),
             (0x1f300, 0x1faff), (0x10400, 0x1044f), (0x1d400, 0x1d7ff), (0xe000, 0xe0ff),
             (0x10000, 0x10ffff)]
    out = []
    for _ in range(rng.randint(lo, hi)):
        r = rng.random()
        if r < 0.2:
            out.append(rng.choice(EMO1))
        elif r < 0.3:
            out.append(rng.choice(SPACES))
        elif r < 0.4:
            out.append(rng.choice(ODD_CHARS))
        else:
            a, b = rng.choice(pools)
            c = rng.randint(a, b)
            if 0xD800 <= c <= 0xDFFF:
                c = 0x41
            out.append(chr(c))
    return "".join(out)


def but_chain():
    # many equal values around several "but"s: exercises _but_check's first-equal quirk
    vocab = ["good", "GOOD", "bad", "great", "nice", "not good", "very good", "no good",
             "happy", "sad", "love", "hate", "!"] + rng.sample(LEX_WORDS, 3)
    parts = []
    for _ in range(rng.randint(3, 60)):
        parts.append(rng.choice(vocab))
        if rng.random() < 0.12:
            parts.append(rng.choice(["but", "BUT", "But", "but,"]))
    return " ".join(parts)


def long_text():
    parts = [salad(1, 3) for _ in range(rng.randint(30, 120))]
    return " but ".join(parts) if rng.random() < 0.5 else " ".join(parts)


FIXED = ["", " ", "\t\n", "!", "?", "??", "!!!!!!", "?!?!?!", "but", "BUT", "no", "No no",
         "no no no good", "GOOD", "good", "GOOD good", "a", "I", ":(", ":D", ":P", ":)",
         "<3", "heart", "hearts", "HEART", "\U0001F498", "\U0001F498\U0001F498",
         "x\U0001F498y", "\U0001F51B", "\U0001F199 !", "kind of good", "kind of",
         "at least good", "very least good", "least good", "the least good",
         "never so good", "never this good", "never been so good", "without a doubt good",
         "without doubt good", "\u212aind of good", "\u0130 love it", "\u01c5 GOOD bad",
         "GOOD \u01c5", "\u03a3 GOOD", "\u24b6\u24b7 good", "\u00aa good GOOD",
         "good\x1cbad", "good\x85bad", "good\u200bbad", "good\u3000bad", "good\u00a0bad",
         "the shit", "it is the shit", "you are the shit", "you are the shit here",
         "this is the bomb", "so bad ass", "what a bad ass", "oh yeah right ok",
         "a kiss of death", "it was a kiss of death for them",
         "this cake is to die for", "my beating heart", "ha ha my beating heart",
         "cut the mustard", "it did not cut the mustard", "good but bad", "bad but good",
         "good good but good", "good bad but bad good", "not good but not bad",
         "I can't stand it", "I cant stand it", "I don't love it", "I DON'T love it",
         "isn't it great", "It isn't a horrible book.", "At least it isn't a horrible book.",
         "The book was only kind of good.", "Not bad at all", "NOT BAD AT ALL"]


def main():
    rows = []
    for t in FIXED:
        rows.append(("fixed", t))
    gens = [("salad", lambda: salad(1, 25)), ("salad_long", lambda: salad(25, 80)),
            ("unicode", lambda: random_unicode(1, 60)), ("but_chain", but_chain),
            ("long", long_text)]
    weights = [0.45, 0.15, 0.15, 0.17, 0.08]
    while len(rows) < N:
        kind, g = rng.choices(gens, weights)[0]
        rows.append((kind, g()))
    for i, (kind, text) in enumerate(rows):
        s = an.polarity_scores(text)
        print(json.dumps({"id": i, "kind": kind, "text": text, "neg": s["neg"],
                          "neu": s["neu"], "pos": s["pos"], "compound": s["compound"]}))


if __name__ == "__main__":
    main()
