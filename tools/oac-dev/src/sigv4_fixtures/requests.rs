//! Random legitimate requests for the signer/verifier agreement test: paths and queries with
//! every character class SigV4 canonicalisation has to get right, a seeded RNG throughout.

use fastrand::Rng;

/// Methods CloudFront forwards to a Function URL.
pub const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"];

/// Which signer a request is made for (botocore diverges on two inputs; docs/oac-dev.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    /// The `aws-sigv4` crate (CloudFront's stand-in in the chain).
    AwsSigv4,
    /// botocore, the independent oracle.
    Botocore,
}

/// One generated request. `query` is the wire form (for `aws-sigv4`); `params` the decoded
/// pairs botocore encodes itself.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The HTTP method.
    pub method: &'static str,
    /// The path, percent-encoded as on the wire.
    pub path: String,
    /// The query string in wire form.
    pub query: String,
    /// The decoded query pairs.
    pub params: Vec<(String, String)>,
    /// The headers to sign.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

fn pick<'a>(rng: &mut Rng, from: &[&'a str]) -> &'a str {
    from[rng.usize(..from.len())]
}

fn unreserved_run(rng: &mut Rng) -> String {
    const CHARS: &[u8] = b"abcxyzABCXYZ0189-._~";
    (0..rng.usize(1..5))
        .map(|_| CHARS[rng.usize(..CHARS.len())] as char)
        .collect()
}

/// `%XY` of one byte, hex in either case.
fn escape(rng: &mut Rng, byte: u8) -> String {
    let e = format!("%{byte:02X}");
    if rng.bool() { e } else { e.to_lowercase() }
}

/// UTF-8 of a character, percent-encoded (hex case random).
fn escaped_char(rng: &mut Rng, c: char) -> String {
    c.to_string().bytes().map(|b| escape(rng, b)).collect()
}

/// One path segment as a viewer sends it (percent-encoded where it must be).
fn path_segment(rng: &mut Rng) -> String {
    match rng.u8(..10) {
        0 => pick(rng, &[".", ".."]).to_owned(),
        1 => String::new(),
        _ => (0..rng.usize(1..4))
            .map(|_| match rng.u8(..6) {
                0 => pick(
                    rng,
                    &[
                        "!", "$", "&", "'", "(", ")", "*", "+", ",", ";", "=", ":", "@",
                    ],
                )
                .to_owned(),
                1 => {
                    let c = pick_char(rng);
                    escaped_char(rng, c)
                }
                2 => {
                    let b = rng.u8(..);
                    escape(rng, b)
                }
                _ => unreserved_run(rng),
            })
            .collect(),
    }
}

fn pick_char(rng: &mut Rng) -> char {
    const CHARS: [char; 12] = ['é', '✓', '🦀', '日', ' ', '+', '/', '%', '&', '=', 'A', '~'];
    CHARS[rng.usize(..CHARS.len())]
}

/// An absolute path; for botocore a final dot segment gets a trailing `/` (botocore's
/// `remove_dot_segments` drops the RFC's trailing slash there, `aws-sigv4` keeps it).
fn path(rng: &mut Rng, signer: Signer) -> String {
    let mut segments: Vec<String> = (0..rng.usize(0..5)).map(|_| path_segment(rng)).collect();
    let dot_last = matches!(segments.last().map(String::as_str), Some("." | ".."));
    if rng.u8(..4) == 0 || (signer == Signer::Botocore && dot_last) {
        segments.push(String::new());
    }
    format!("/{}", segments.join("/"))
}

/// A query name or value as it arrives from a viewer: every form the canonicalisation reads.
fn query_component(rng: &mut Rng, is_value: bool) -> String {
    (0..rng.usize(0..4))
        .map(|_| match rng.u8(..14) {
            0 => "+".to_owned(),
            1 => escape(rng, b'+'),
            2 => escape(rng, b' '),
            3 => escape(rng, b'A'),
            4 => {
                let c = pick_char(rng);
                escaped_char(rng, c)
            }
            5 => {
                let b = rng.u8(0x80..);
                escape(rng, b)
            } // not UTF-8 on its own
            6 => pick(rng, &["%zz", "%G1", "%", "%4"]).to_owned(),
            7 => pick(
                rng,
                &["!", "$", "'", "(", ")", "*", ",", ";", ":", "@", "/", "?"],
            )
            .to_owned(),
            8 => {
                let b = pick(rng, &["&", "=", "%"]).as_bytes()[0];
                escape(rng, b)
            }
            9 if is_value => "=".to_owned(),
            _ => unreserved_run(rng),
        })
        .collect()
}

/// A raw query: repeated names, names without `=`, empty values and empty pairs included.
fn query(rng: &mut Rng) -> String {
    let mut names: Vec<String> = Vec::new();
    let mut pairs: Vec<String> = Vec::new();
    for _ in 0..rng.usize(0..6) {
        let name = if !names.is_empty() && rng.u8(..3) == 0 {
            names[rng.usize(..names.len())].clone()
        } else {
            query_component(rng, false)
        };
        names.push(name.clone());
        pairs.push(match rng.u8(..5) {
            0 => name,
            1 => format!("{name}="),
            _ => format!("{name}={}", query_component(rng, true)),
        });
        if rng.u8(..10) == 0 {
            pairs.push(String::new());
        }
    }
    pairs.join("&")
}

/// Decoded parameters for botocore (which encodes them itself).
fn params(rng: &mut Rng) -> Vec<(String, String)> {
    let text = |rng: &mut Rng| -> String {
        (0..rng.usize(0..5))
            .map(|_| {
                if rng.bool() {
                    pick_char(rng).to_string()
                } else {
                    unreserved_run(rng)
                }
            })
            .collect()
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for _ in 0..rng.usize(0..6) {
        let name = if !out.is_empty() && rng.u8(..3) == 0 {
            out[rng.usize(..out.len())].0.clone()
        } else {
            text(rng)
        };
        let value = text(rng);
        out.push((name, value));
    }
    out
}

fn header_value(rng: &mut Rng, signer: Signer) -> String {
    let mut v: String = (0..rng.usize(0..12))
        .map(|_| match rng.u8(..8) {
            0 => ' ',
            1 if signer == Signer::AwsSigv4 => '\t', // botocore folds tabs; docs/oac-dev.md
            _ => rng.u8(0x21..0x7f) as char,
        })
        .collect();
    if rng.bool() {
        v = format!("  {v}   ");
    }
    v
}

/// A random legitimate request for `signer`, with its `host` and (for a body) its
/// `x-amz-content-sha256`, as the body-hash function sets it.
pub fn generate(rng: &mut Rng, signer: Signer) -> Generated {
    let body: Vec<u8> = if rng.bool() {
        (0..rng.usize(1..200)).map(|_| rng.u8(..)).collect()
    } else {
        Vec::new()
    };
    let mut headers = vec![(
        pick(rng, &["host", "Host"]).to_owned(),
        super::HOST.to_owned(),
    )];
    if !body.is_empty() || rng.bool() {
        headers.push(("x-amz-content-sha256".to_owned(), super::sha256_hex(&body)));
    }
    for i in 0..rng.usize(0..4) {
        let name = if rng.bool() {
            format!("x-custom-{i}")
        } else {
            format!("X-Custom-{i}")
        };
        headers.push((name.clone(), header_value(rng, signer)));
        if signer == Signer::AwsSigv4 && rng.u8(..4) == 0 {
            headers.push((name, header_value(rng, signer)));
        }
    }
    let (query, params) = match signer {
        Signer::AwsSigv4 => (query(rng), Vec::new()),
        Signer::Botocore => (String::new(), params(rng)),
    };
    Generated {
        method: pick(rng, &METHODS),
        path: path(rng, signer),
        query,
        params,
        headers,
        body,
    }
}
