//! Moderation lexicons (work in progress).
