//! What a Function URL in `RESPONSE_STREAM` mode does to a compressed answer: it "will decompress
//! my response on-the-fly, remove the Content-Encoding header"
//! (aws/aws-lambda-nodejs-runtime-interface-client#96). oac-dev decodes gzip and deflate as the
//! chunks arrive; any other coding is left as it is (not emulated, and logged).

use std::io::Write as _;

use flate2::write::{GzDecoder, ZlibDecoder};

/// Decodes a body chunk by chunk.
pub enum Decoder {
    /// No coding (or one oac-dev does not decode): bytes pass as they are.
    Identity,
    /// `gzip` / `x-gzip`.
    Gzip(GzDecoder<Vec<u8>>),
    /// `deflate` (zlib).
    Deflate(ZlibDecoder<Vec<u8>>),
}

/// What [`strip`] did to the headers, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stripped {
    /// No `content-encoding` (or `identity`).
    Nothing,
    /// The header removed and the body decoded.
    Decoded(String),
    /// A coding oac-dev does not decode: header and body left as they are.
    LeftAsIs(String),
}

impl Stripped {
    /// The chain line's note, if any.
    pub fn note(&self) -> Option<String> {
        match self {
            Self::Nothing => None,
            Self::Decoded(c) => Some(format!(
                "content-encoding {c} removed, body decoded (as a RESPONSE_STREAM Function URL does)"
            )),
            Self::LeftAsIs(c) => Some(format!(
                "content-encoding {c} left as is (oac-dev decodes gzip and deflate only)"
            )),
        }
    }
}

/// Removes the response's `content-encoding` (and `content-length`, which no longer holds) when
/// the coding is one oac-dev decodes, and gives the decoder for the body.
pub fn strip(headers: &mut Vec<(String, String)>) -> (Stripped, Decoder) {
    let coding = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-encoding"))
        .map(|(_, v)| v.trim().to_ascii_lowercase());
    let (stripped, decoder) = match coding.as_deref() {
        None | Some("" | "identity") => (Stripped::Nothing, Decoder::Identity),
        Some(c @ ("gzip" | "x-gzip")) => (
            Stripped::Decoded(c.to_owned()),
            Decoder::Gzip(GzDecoder::new(Vec::new())),
        ),
        Some(c @ "deflate") => (
            Stripped::Decoded(c.to_owned()),
            Decoder::Deflate(ZlibDecoder::new(Vec::new())),
        ),
        Some(other) => (Stripped::LeftAsIs(other.to_owned()), Decoder::Identity),
    };
    if matches!(stripped, Stripped::Decoded(_)) {
        headers.retain(|(n, _)| {
            !n.eq_ignore_ascii_case("content-encoding") && !n.eq_ignore_ascii_case("content-length")
        });
    }
    (stripped, decoder)
}

impl Decoder {
    /// The decoded bytes `chunk` yields (maybe none yet).
    pub fn feed(&mut self, chunk: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Self::Identity => Ok(chunk.to_vec()),
            Self::Gzip(d) => {
                d.write_all(chunk)?;
                Ok(std::mem::take(d.get_mut()))
            }
            Self::Deflate(d) => {
                d.write_all(chunk)?;
                Ok(std::mem::take(d.get_mut()))
            }
        }
    }

    /// The last decoded bytes, once the body is complete; an error if it was cut short.
    pub fn finish(self) -> std::io::Result<Vec<u8>> {
        match self {
            Self::Identity => Ok(Vec::new()),
            Self::Gzip(d) => d.finish(),
            Self::Deflate(d) => d.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use flate2::Compression;
    use flate2::write::{GzEncoder, ZlibEncoder};

    use super::*;

    fn headers(coding: &str) -> Vec<(String, String)> {
        vec![
            ("content-type".into(), "text/plain".into()),
            ("Content-Encoding".into(), coding.into()),
            ("content-length".into(), "10".into()),
        ]
    }

    fn decode_in_pieces(decoder: &mut Decoder, encoded: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for piece in encoded.chunks(7) {
            out.extend(decoder.feed(piece).unwrap());
        }
        out
    }

    #[test]
    fn gzip_is_removed_and_the_body_decoded_across_chunks() {
        let mut h = headers("gzip");
        let (stripped, mut decoder) = strip(&mut h);
        assert_eq!(stripped, Stripped::Decoded("gzip".into()));
        assert_eq!(h, [("content-type".to_owned(), "text/plain".to_owned())]);
        let plain = b"hello, streamed world ".repeat(100);
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&plain).unwrap();
        let mut out = decode_in_pieces(&mut decoder, &enc.finish().unwrap());
        out.extend(decoder.finish().unwrap());
        assert_eq!(out, plain);
    }

    #[test]
    fn deflate_is_removed_and_decoded() {
        let mut h = headers("deflate");
        let (_, mut decoder) = strip(&mut h);
        let mut enc = ZlibEncoder::new(Vec::new(), Compression::default());
        enc.write_all(b"deflated").unwrap();
        let mut out = decode_in_pieces(&mut decoder, &enc.finish().unwrap());
        out.extend(decoder.finish().unwrap());
        assert_eq!(out, b"deflated");
    }

    #[test]
    fn a_coding_oac_dev_does_not_decode_is_left_as_is() {
        let mut h = headers("br");
        let (stripped, mut decoder) = strip(&mut h);
        assert_eq!(stripped, Stripped::LeftAsIs("br".into()));
        assert_eq!(h, headers("br"));
        assert_eq!(decoder.feed(b"raw").unwrap(), b"raw");
    }

    #[test]
    fn no_coding_changes_nothing() {
        let mut h = vec![("content-type".to_owned(), "text/plain".to_owned())];
        let (stripped, _) = strip(&mut h);
        assert_eq!((stripped.note(), h.len()), (None, 1));
    }

    #[test]
    fn a_body_that_is_not_gzip_is_an_error() {
        let (_, mut decoder) = strip(&mut headers("gzip"));
        let fed = decoder.feed(b"this is not gzip at all");
        assert!(fed.is_err() || decoder.finish().is_err());
    }

    #[test]
    fn a_gzip_body_cut_short_is_an_error_at_the_end() {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(&b"x".repeat(1000)).unwrap();
        let encoded = enc.finish().unwrap();
        let (_, mut decoder) = strip(&mut headers("gzip"));
        decoder.feed(&encoded[..encoded.len() / 2]).unwrap();
        assert!(decoder.finish().is_err());
    }
}
