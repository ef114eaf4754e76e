//! Cross-crate tests live in `tests/tests/`, benchmarks in `tests/benches/`.
//!
//! The workspace README is included below so that its code compiles as a doctest.
#![doc = include_str!("../../README.md")]
