//! CloudFront's managed cache policies and origin request policies, by the IDs AWS publishes
//! ("Use managed cache policies", "Use managed origin request policies" in the CloudFront
//! Developer Guide). A behaviour names one by ID and no template or account holds its contents,
//! so both readers look the contents up here.
//!
//! Only what the checks look at is kept: whether a cache policy caches, the headers in its key
//! and whether it normalises `Accept-Encoding`; the viewer headers an origin request policy
//! forwards. Header names are lower case.

use crate::model::{CachePolicy, Headers, OriginRequestPolicy};

/// `Managed-CachingDisabled`: nothing cached, empty cache key.
pub const CACHING_DISABLED: &str = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";
/// `Managed-CachingOptimized`: cached (1 s – 365 days), empty key plus normalised `Accept-Encoding`.
pub const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";
/// `Managed-CachingOptimizedForUncompressedObjects`: as `CachingOptimized`, without `Accept-Encoding`.
pub const CACHING_OPTIMIZED_FOR_UNCOMPRESSED_OBJECTS: &str = "b2884449-e4de-46a7-ac36-70bc7f1ddd6d";
/// `Managed-Amplify`: keyed on `Authorization`, `CloudFront-Viewer-Country`, `Host`.
pub const AMPLIFY: &str = "2e54312d-136d-493c-8eb9-b001f22f67d2";
/// `Managed-Elemental-MediaPackage`: keyed on `Origin`.
pub const ELEMENTAL_MEDIA_PACKAGE: &str = "08627262-05a9-4f76-9ded-b50ca2e3a84f";
/// `UseOriginCacheControlHeaders`: the origin's `Cache-Control` decides; keyed on `Host`, `Origin`
/// and the method-override headers.
pub const USE_ORIGIN_CACHE_CONTROL_HEADERS: &str = "83da9c7e-98b4-4e11-a168-04f0df8e2c65";
/// `UseOriginCacheControlHeaders-QueryStrings`: as above, with every query string in the key.
pub const USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS: &str =
    "4cc15a8a-d715-48a4-82b8-cc0b614638fe";

/// `Managed-AllViewer`: every viewer header, `Host` included.
pub const ALL_VIEWER: &str = "216adef6-5c7f-47e4-b989-5492eafa07d3";
/// `Managed-AllViewerAndCloudFrontHeaders-2022-06`: every viewer header and the CloudFront headers
/// released by June 2022.
pub const ALL_VIEWER_AND_CLOUDFRONT_HEADERS_2022_06: &str = "33f36d7e-f396-46d9-90e0-52428a34d9dc";
/// `Managed-AllViewerExceptHostHeader`: every viewer header except `Host`.
pub const ALL_VIEWER_EXCEPT_HOST_HEADER: &str = "b689b0a8-53d0-40ab-baf2-68738e2966ac";
/// `Managed-CORS-CustomOrigin`: `Origin`.
pub const CORS_CUSTOM_ORIGIN: &str = "59781a5b-3903-41f3-afcb-af62929ccde1";
/// `Managed-CORS-S3Origin`: `Origin` and the two CORS preflight request headers.
pub const CORS_S3_ORIGIN: &str = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf";
/// `Managed-Elemental-MediaTailor-PersonalizedManifests`.
pub const ELEMENTAL_MEDIA_TAILOR_PERSONALIZED_MANIFESTS: &str =
    "775133bc-15f2-49f9-abea-afb2e0bf67d2";
/// `Managed-HostHeaderOnly`: only `Host`.
pub const HOST_HEADER_ONLY: &str = "bf0718e1-ba1e-49d1-88b1-f726733018ae";
/// `Managed-UserAgentRefererHeaders`: `User-Agent` and `Referer`.
pub const USER_AGENT_REFERER_HEADERS: &str = "acba4595-bd28-49b8-b9fe-13317c0390fa";

/// The header set `UseOriginCacheControlHeaders` (and its `-QueryStrings` twin) keys on.
const USE_ORIGIN_KEY: &[&str] = &[
    "host",
    "origin",
    "x-http-method-override",
    "x-http-method",
    "x-method-override",
];

/// The CloudFront headers `AllViewerAndCloudFrontHeaders-2022-06` adds.
const CLOUDFRONT_HEADERS_2022_06: &[&str] = &[
    "cloudfront-forwarded-proto",
    "cloudfront-is-android-viewer",
    "cloudfront-is-desktop-viewer",
    "cloudfront-is-ios-viewer",
    "cloudfront-is-mobile-viewer",
    "cloudfront-is-smarttv-viewer",
    "cloudfront-is-tablet-viewer",
    "cloudfront-viewer-address",
    "cloudfront-viewer-asn",
    "cloudfront-viewer-city",
    "cloudfront-viewer-country",
    "cloudfront-viewer-country-name",
    "cloudfront-viewer-country-region",
    "cloudfront-viewer-country-region-name",
    "cloudfront-viewer-http-version",
    "cloudfront-viewer-latitude",
    "cloudfront-viewer-longitude",
    "cloudfront-viewer-metro-code",
    "cloudfront-viewer-postal-code",
    "cloudfront-viewer-time-zone",
    "cloudfront-viewer-tls",
];

/// The managed cache policy with this ID, or `None` when the ID is not one of AWS's managed ones
/// (a custom policy: the reader gets it from the template or `GetCachePolicy`).
///
/// ```
/// let p = oac_doctor::managed::cache_policy("4135ea2d-6df8-44a3-9df3-4b5a84be39ad").unwrap();
/// assert_eq!(p.name, "Managed-CachingDisabled");
/// assert!(!p.caches);
/// ```
pub fn cache_policy(id: &str) -> Option<CachePolicy> {
    let (name, caches, key_headers, accept_encoding) = match id {
        CACHING_DISABLED => ("Managed-CachingDisabled", false, Headers::None, false),
        CACHING_OPTIMIZED => ("Managed-CachingOptimized", true, Headers::None, true),
        CACHING_OPTIMIZED_FOR_UNCOMPRESSED_OBJECTS => (
            "Managed-CachingOptimizedForUncompressedObjects",
            true,
            Headers::None,
            false,
        ),
        AMPLIFY => (
            "Managed-Amplify",
            true,
            only(&["authorization", "cloudfront-viewer-country", "host"]),
            true,
        ),
        ELEMENTAL_MEDIA_PACKAGE => (
            "Managed-Elemental-MediaPackage",
            true,
            only(&["origin"]),
            true,
        ),
        USE_ORIGIN_CACHE_CONTROL_HEADERS => (
            "UseOriginCacheControlHeaders",
            true,
            only(USE_ORIGIN_KEY),
            true,
        ),
        USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS => (
            "UseOriginCacheControlHeaders-QueryStrings",
            true,
            only(USE_ORIGIN_KEY),
            true,
        ),
        _ => return None,
    };
    Some(CachePolicy {
        name: name.to_owned(),
        caches,
        key_headers,
        accept_encoding,
    })
}

/// The managed origin request policy with this ID, or `None` when the ID is not one of AWS's
/// managed ones.
///
/// ```
/// use oac_doctor::model::Headers;
/// let p = oac_doctor::managed::origin_request_policy("b689b0a8-53d0-40ab-baf2-68738e2966ac").unwrap();
/// assert_eq!(p.headers, Headers::AllExcept(vec!["host".into()]));
/// ```
pub fn origin_request_policy(id: &str) -> Option<OriginRequestPolicy> {
    let (name, headers) = match id {
        ALL_VIEWER => ("Managed-AllViewer", Headers::AllViewer),
        ALL_VIEWER_AND_CLOUDFRONT_HEADERS_2022_06 => (
            "Managed-AllViewerAndCloudFrontHeaders-2022-06",
            Headers::AllViewerAndCloudFront(owned(CLOUDFRONT_HEADERS_2022_06)),
        ),
        ALL_VIEWER_EXCEPT_HOST_HEADER => (
            "Managed-AllViewerExceptHostHeader",
            Headers::AllExcept(owned(&["host"])),
        ),
        CORS_CUSTOM_ORIGIN => ("Managed-CORS-CustomOrigin", only(&["origin"])),
        CORS_S3_ORIGIN => (
            "Managed-CORS-S3Origin",
            only(&[
                "origin",
                "access-control-request-headers",
                "access-control-request-method",
            ]),
        ),
        ELEMENTAL_MEDIA_TAILOR_PERSONALIZED_MANIFESTS => (
            "Managed-Elemental-MediaTailor-PersonalizedManifests",
            only(&[
                "origin",
                "access-control-request-headers",
                "access-control-request-method",
                "user-agent",
                "x-forwarded-for",
            ]),
        ),
        HOST_HEADER_ONLY => ("Managed-HostHeaderOnly", only(&["host"])),
        USER_AGENT_REFERER_HEADERS => (
            "Managed-UserAgentRefererHeaders",
            only(&["user-agent", "referer"]),
        ),
        _ => return None,
    };
    Some(OriginRequestPolicy {
        name: name.to_owned(),
        headers,
    })
}

fn owned(names: &[&str]) -> Vec<String> {
    names.iter().map(|n| (*n).to_owned()).collect()
}

fn only(names: &[&str]) -> Headers {
    Headers::Only(owned(names))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CACHE_IDS: &[&str] = &[
        CACHING_DISABLED,
        CACHING_OPTIMIZED,
        CACHING_OPTIMIZED_FOR_UNCOMPRESSED_OBJECTS,
        AMPLIFY,
        ELEMENTAL_MEDIA_PACKAGE,
        USE_ORIGIN_CACHE_CONTROL_HEADERS,
        USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS,
    ];
    const ORIGIN_REQUEST_IDS: &[&str] = &[
        ALL_VIEWER,
        ALL_VIEWER_AND_CLOUDFRONT_HEADERS_2022_06,
        ALL_VIEWER_EXCEPT_HOST_HEADER,
        CORS_CUSTOM_ORIGIN,
        CORS_S3_ORIGIN,
        ELEMENTAL_MEDIA_TAILOR_PERSONALIZED_MANIFESTS,
        HOST_HEADER_ONLY,
        USER_AGENT_REFERER_HEADERS,
    ];

    #[test]
    fn every_managed_cache_policy_is_known_and_named_once() {
        let mut names: Vec<String> = CACHE_IDS
            .iter()
            .map(|id| cache_policy(id).expect(id).name)
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), CACHE_IDS.len());
    }

    #[test]
    fn every_managed_origin_request_policy_is_known_and_named_once() {
        let mut names: Vec<String> = ORIGIN_REQUEST_IDS
            .iter()
            .map(|id| origin_request_policy(id).expect(id).name)
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ORIGIN_REQUEST_IDS.len());
    }

    #[test]
    fn the_two_kinds_of_id_do_not_mix() {
        for id in CACHE_IDS {
            assert_eq!(origin_request_policy(id), None, "{id}");
        }
        for id in ORIGIN_REQUEST_IDS {
            assert_eq!(cache_policy(id), None, "{id}");
        }
    }

    #[test]
    fn a_custom_or_malformed_id_is_not_managed() {
        assert_eq!(cache_policy("0b2b3c4d-1111-2222-3333-444455556666"), None);
        assert_eq!(cache_policy(""), None);
        assert_eq!(cache_policy(&CACHING_DISABLED.to_uppercase()), None);
        assert_eq!(origin_request_policy("not-an-id"), None);
    }

    #[test]
    fn caching_disabled_caches_nothing_and_keys_on_nothing() {
        let p = cache_policy(CACHING_DISABLED).unwrap();
        assert!(!p.caches);
        assert_eq!(p.key_headers, Headers::None);
        assert!(!p.accept_encoding);
    }

    #[test]
    fn caching_optimized_caches_and_normalises_accept_encoding() {
        let p = cache_policy(CACHING_OPTIMIZED).unwrap();
        assert!(p.caches);
        assert_eq!(p.key_headers, Headers::None);
        assert!(p.accept_encoding);
        assert!(
            !cache_policy(CACHING_OPTIMIZED_FOR_UNCOMPRESSED_OBJECTS)
                .unwrap()
                .accept_encoding
        );
    }

    #[test]
    fn use_origin_cache_control_headers_keys_on_host() {
        for id in [
            USE_ORIGIN_CACHE_CONTROL_HEADERS,
            USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS,
        ] {
            match cache_policy(id).unwrap().key_headers {
                Headers::Only(h) => assert!(h.iter().any(|n| n == "host"), "{id}"),
                other => panic!("{id}: {other:?}"),
            }
        }
    }

    #[test]
    fn host_forwarding_origin_request_policies() {
        assert_eq!(
            origin_request_policy(ALL_VIEWER).unwrap().headers,
            Headers::AllViewer
        );
        assert_eq!(
            origin_request_policy(HOST_HEADER_ONLY).unwrap().headers,
            Headers::Only(vec!["host".into()])
        );
        assert_eq!(
            origin_request_policy(ALL_VIEWER_EXCEPT_HOST_HEADER)
                .unwrap()
                .headers,
            Headers::AllExcept(vec!["host".into()])
        );
        match origin_request_policy(ALL_VIEWER_AND_CLOUDFRONT_HEADERS_2022_06)
            .unwrap()
            .headers
        {
            Headers::AllViewerAndCloudFront(h) => assert_eq!(h.len(), 21),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn header_names_are_lower_case() {
        let lists = CACHE_IDS
            .iter()
            .map(|id| cache_policy(id).unwrap().key_headers)
            .chain(
                ORIGIN_REQUEST_IDS
                    .iter()
                    .map(|id| origin_request_policy(id).unwrap().headers),
            );
        for headers in lists {
            let names = match headers {
                Headers::None | Headers::AllViewer => vec![],
                Headers::AllViewerAndCloudFront(h) | Headers::AllExcept(h) | Headers::Only(h) => h,
            };
            for n in names {
                assert_eq!(n, n.to_lowercase());
            }
        }
    }
}
