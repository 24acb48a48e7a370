use super::*;

fn with_delimiter(json: &str, body: &[u8]) -> Vec<u8> {
    let mut out = json.as_bytes().to_vec();
    out.extend_from_slice(&DELIMITER);
    out.extend_from_slice(body);
    out
}

#[test]
fn lambda_runtimes_prelude_gives_status_headers_cookies_and_the_body_after_it() {
    let frame = with_delimiter(
        r#"{"statusCode":201,"headers":{"content-type":"text/plain","x-multi":["a","b"]},"cookies":["c=1"]}"#,
        b"hello",
    );
    let (prelude, rest) = PreludeReader::default().feed(&frame).unwrap().unwrap();
    assert_eq!(prelude.status, 201);
    assert_eq!(
        prelude.headers,
        [
            ("content-type".to_owned(), "text/plain".to_owned()),
            ("x-multi".to_owned(), "a".to_owned()),
            ("x-multi".to_owned(), "b".to_owned()),
        ]
    );
    assert_eq!(prelude.cookies, ["c=1"]);
    assert_eq!(rest, b"hello");
}

#[test]
fn a_delimiter_split_across_frames_is_found() {
    let frame = with_delimiter(r#"{"statusCode":204}"#, b"x");
    let (head, tail) = frame.split_at(frame.len() - 5);
    let mut reader = PreludeReader::default();
    assert_eq!(reader.feed(head).unwrap(), None);
    let (prelude, rest) = reader.feed(tail).unwrap().unwrap();
    assert_eq!((prelude.status, rest.as_slice()), (204, &b"x"[..]));
}

#[test]
fn an_empty_object_is_a_200_without_headers() {
    let (prelude, rest) = PreludeReader::default()
        .feed(&with_delimiter("{}", b""))
        .unwrap()
        .unwrap();
    assert_eq!(
        (prelude.status, prelude.headers.len(), rest.len()),
        (200, 0, 0)
    );
}

#[test]
fn a_prelude_of_exactly_16_kib_is_read() {
    let pad = "x".repeat(PRELUDE_LIMIT - r#"{"p":""}"#.len());
    let json = format!(r#"{{"p":"{pad}"}}"#);
    assert_eq!(json.len(), PRELUDE_LIMIT);
    assert!(
        PreludeReader::default()
            .feed(&with_delimiter(&json, b""))
            .unwrap()
            .is_some()
    );
}

#[test]
fn a_prelude_over_16_kib_is_refused() {
    let pad = "x".repeat(PRELUDE_LIMIT);
    let json = format!(r#"{{"p":"{pad}"}}"#);
    assert_eq!(
        PreludeReader::default().feed(&with_delimiter(&json, b"")),
        Err(PreludeError::TooLong)
    );
}

#[test]
fn no_delimiter_in_the_first_16_kib_is_refused_without_waiting_for_more() {
    let mut reader = PreludeReader::default();
    assert_eq!(reader.feed(&[b' '; PRELUDE_LIMIT]).unwrap(), None);
    assert_eq!(reader.feed(&[b' '; 8]), Err(PreludeError::TooLong));
}

#[test]
fn a_prelude_that_is_not_json_is_refused() {
    let r = PreludeReader::default().feed(&with_delimiter("status: 200", b""));
    assert!(matches!(r, Err(PreludeError::NotJson(_))), "{r:?}");
}

#[test]
fn a_prelude_that_is_not_an_object_is_refused() {
    assert_eq!(parse(b"[200]"), Err(PreludeError::NotObject));
}

#[test]
fn a_status_that_is_not_an_http_status_is_refused() {
    for bad in [r#""200""#, "99", "600", "-1", "200.5"] {
        let json = format!(r#"{{"statusCode":{bad}}}"#);
        assert!(
            matches!(parse(json.as_bytes()), Err(PreludeError::BadStatus(_))),
            "{bad}"
        );
    }
}

#[test]
fn headers_that_are_not_an_object_are_refused() {
    assert!(matches!(
        parse(br#"{"headers":["a"]}"#),
        Err(PreludeError::BadHeader(_))
    ));
}

#[test]
fn a_header_value_that_is_not_a_string_is_refused() {
    assert_eq!(
        parse(br#"{"headers":{"x-n":1}}"#),
        Err(PreludeError::BadHeader("x-n".into()))
    );
    assert_eq!(
        parse(br#"{"headers":{"x-n":["a",1]}}"#),
        Err(PreludeError::BadHeader("x-n".into()))
    );
}

#[test]
fn a_header_name_or_value_that_is_not_http_is_refused() {
    assert_eq!(
        parse(br#"{"headers":{"bad name":"v"}}"#),
        Err(PreludeError::BadHeader("bad name".into()))
    );
    assert_eq!(
        parse(br#"{"headers":{"x-v":"a\nb"}}"#),
        Err(PreludeError::BadHeader("x-v".into()))
    );
}

#[test]
fn cookies_that_are_not_an_array_of_strings_are_refused() {
    assert_eq!(
        parse(br#"{"cookies":"c=1"}"#),
        Err(PreludeError::BadCookies)
    );
    assert_eq!(parse(br#"{"cookies":[1]}"#), Err(PreludeError::BadCookies));
}
