//! End-to-end tests of the `moderato` binary.
