//! `oac-kit`'s library part: the I/O the command's verbs share with the end-to-end tests.

pub mod probe_http;
