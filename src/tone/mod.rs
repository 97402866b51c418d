//! Tone: a port of vaderSentiment 3.3.2 (work in progress).
