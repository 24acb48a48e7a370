use std::path::PathBuf;

use oac_doctor::model::*;
use oac_doctor::probe::ProbeRequest;

use super::*;

/// Stand-in sources: each answers what it was given, and records nothing else.
struct Fake {
    template: Result<Vec<Chain>, String>,
    distribution: Result<Chain, String>,
    probe: Result<Vec<ProbeAnswer>, String>,
}

impl Default for Fake {
    fn default() -> Self {
        let unused = || "not asked for".to_owned();
        Self {
            template: Err(unused()),
            distribution: Err(unused()),
            probe: Err(unused()),
        }
    }
}

impl Sources for Fake {
    fn template(&self, _: &Path) -> Result<Vec<Chain>, String> {
        self.template.clone()
    }
    async fn distribution(&self, id: &str, function: Option<&str>) -> Result<Chain, String> {
        assert_eq!((id, function), ("E2EXAMPLE", Some("api")));
        self.distribution.clone()
    }
    async fn probe(&self, _: &url::Url) -> Result<Vec<ProbeAnswer>, String> {
        self.probe.clone()
    }
}

/// A static site every check passes or finds not applicable to.
fn healthy() -> Chain {
    Chain {
        source: Source::Template {
            path: "t.json".into(),
        },
        distribution: Distribution {
            resource: "AWS::CloudFront::Distribution Dist".into(),
            arn: "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${Dist}".into(),
            origins: vec![Origin {
                id: "Bucket".into(),
                domain: "${Bucket.RegionalDomainName}".into(),
                kind: OriginKind::S3,
                oac: None,
            }],
            behaviors: vec![Behavior {
                path_pattern: None,
                target_origin_id: "Bucket".into(),
                allowed_methods: vec!["GET".into(), "HEAD".into()],
                viewer_protocol_policy: "redirect-to-https".into(),
                cache: Known::Read(
                    oac_doctor::managed::cache_policy(oac_doctor::managed::CACHING_OPTIMIZED)
                        .unwrap(),
                ),
                origin_request: Known::Read(None),
                function_associations: vec![FunctionAssociation {
                    event_type: "viewer-request".into(),
                    function: Known::Read(CloudFrontFunction {
                        resource: "AWS::CloudFront::Function Filter".into(),
                        runtime: "cloudfront-js-2.0".into(),
                        code: Some("function handler(event) { return event.request; }".into()),
                        key_value_stores: vec![],
                    }),
                }],
                lambda_associations: vec![],
            }],
            viewer_certificate: ViewerCertificate {
                cloudfront_default: true,
                minimum_protocol_version: None,
            },
            http_version: None,
            viewer_mtls: None,
        },
        cloudflare_rule: None,
    }
}

/// The same site serving plain HTTP: `viewer-tls` fails.
fn plain_http() -> Chain {
    let mut chain = healthy();
    chain.distribution.behaviors[0].viewer_protocol_policy = "allow-all".into();
    chain
}

fn args(f: impl FnOnce(&mut DoctorArgs)) -> DoctorArgs {
    let mut a = DoctorArgs {
        template: None,
        distribution: None,
        function: None,
        probe: None,
        json: false,
        explain: None,
    };
    f(&mut a);
    a
}

fn template_args(json: bool) -> DoctorArgs {
    args(|a| {
        a.template = Some(PathBuf::from("t.json"));
        a.json = json;
    })
}

fn block<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

fn answer(status: u16) -> ProbeAnswer {
    ProbeAnswer {
        request: ProbeRequest {
            method: "GET".into(),
            path: "/".into(),
            body: vec![],
            headers: vec![],
        },
        status,
        headers: vec![],
        body: vec![],
    }
}

#[test]
fn a_healthy_template_exits_0_with_one_line_per_check() {
    let fake = Fake {
        template: Ok(vec![healthy()]),
        ..Fake::default()
    };
    let out = block(run(&template_args(false), &fake));
    assert_eq!(out.code, EXIT_OK, "{}", out.stdout);
    assert_eq!(out.stderr, "");
    let lines = out
        .stdout
        .lines()
        .filter(|l| l.starts_with("PASS  ") || l.starts_with("N/A  "));
    assert_eq!(lines.count(), checks::all().len(), "{}", out.stdout);
}

#[test]
fn a_failing_check_exits_1() {
    let fake = Fake {
        template: Ok(vec![healthy(), plain_http()]),
        ..Fake::default()
    };
    let out = block(run(&template_args(false), &fake));
    assert_eq!(out.code, EXIT_FAILED);
    assert!(out.stdout.contains("FAIL  viewer-tls  "), "{}", out.stdout);
    assert!(out.stdout.contains("      fix: "), "{}", out.stdout);
}

#[test]
fn json_mode_prints_one_json_document() {
    let fake = Fake {
        template: Ok(vec![plain_http()]),
        ..Fake::default()
    };
    let out = block(run(&template_args(true), &fake));
    assert_eq!(out.code, EXIT_FAILED);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(
        v["chains"][0]["checks"].as_array().unwrap().len(),
        checks::all().len()
    );
}

#[test]
fn a_read_error_exits_2_with_nothing_on_stdout() {
    for json in [false, true] {
        let fake = Fake {
            template: Err("t.json: YAML is not supported".into()),
            ..Fake::default()
        };
        let out = block(run(&template_args(json), &fake));
        assert_eq!(out.code, EXIT_ERROR);
        assert_eq!(out.stdout, "");
        assert_eq!(
            out.stderr,
            "oac-kit doctor: t.json: YAML is not supported\n"
        );
    }
}

#[test]
fn a_template_without_a_distribution_exits_2() {
    let fake = Fake {
        template: Ok(vec![]),
        ..Fake::default()
    };
    let out = block(run(&template_args(true), &fake));
    assert_eq!(out.code, EXIT_ERROR);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("no CloudFront distribution"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_distribution_is_read_with_its_function() {
    let fake = Fake {
        distribution: Ok(plain_http()),
        ..Fake::default()
    };
    let a = args(|a| {
        a.distribution = Some("E2EXAMPLE".into());
        a.function = Some("api".into());
    });
    assert_eq!(block(run(&a, &fake)).code, EXIT_FAILED);
    let fake = Fake {
        distribution: Err("distribution E2EXAMPLE: NoSuchDistribution".into()),
        ..Fake::default()
    };
    let out = block(run(&a, &fake));
    assert_eq!((out.code, out.stdout.as_str()), (EXIT_ERROR, ""));
}

#[test]
fn probe_answers_are_explained_and_decide_the_exit_code() {
    let answers = vec![answer(200), answer(403)];
    let healthy_answers = answers.iter().map(probe::explain).all(|d| d.ok);
    let fake = Fake {
        probe: Ok(answers),
        ..Fake::default()
    };
    let a = args(|a| {
        a.probe = Some("https://api.example.com".parse().unwrap());
        a.json = true;
    });
    let out = block(run(&a, &fake));
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["probe"].as_array().unwrap().len(), 2);
    assert_eq!(v["chains"], serde_json::json!([]));
    assert_eq!(
        out.code,
        if healthy_answers {
            EXIT_OK
        } else {
            EXIT_FAILED
        }
    );
    assert_eq!(v["ok"], healthy_answers);
}

#[test]
fn a_probe_that_cannot_be_sent_exits_2() {
    let fake = Fake {
        probe: Err("http://example.com: https or loopback only".into()),
        ..Fake::default()
    };
    let a = args(|a| a.probe = Some("http://example.com".parse().unwrap()));
    let out = block(run(&a, &fake));
    assert_eq!((out.code, out.stdout.as_str()), (EXIT_ERROR, ""));
}

#[test]
fn explain_prints_every_check_long_form() {
    for c in checks::all() {
        let out = explain(c.id, false);
        assert_eq!(out.code, EXIT_OK);
        for part in [c.id, c.title, c.symptom, c.fix, c.explanation] {
            assert!(out.stdout.contains(part), "{}: {part}", c.id);
        }
        let v: serde_json::Value = serde_json::from_str(&explain(c.id, true).stdout).unwrap();
        assert_eq!(v["id"], c.id);
        assert_eq!(v["explanation"], c.explanation);
    }
}

#[test]
fn explaining_an_unknown_check_exits_2_listing_the_ids() {
    let out = explain("grant-invoke", false);
    assert_eq!(out.code, EXIT_ERROR);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains("no check `grant-invoke`"),
        "{}",
        out.stderr
    );
    for c in checks::all() {
        assert!(out.stderr.contains(c.id), "{}", c.id);
    }
}

#[test]
fn explain_wins_before_any_source_is_read() {
    let a = args(|a| a.explain = Some("viewer-tls".into()));
    let out = block(run(&a, &Fake::default()));
    assert_eq!(out.code, EXIT_OK);
    assert!(out.stdout.starts_with("viewer-tls: "));
}

#[test]
fn exit_code_follows_the_report() {
    assert_eq!(exit_code(&Report::default()), EXIT_OK);
    let failing = Report {
        chains: vec![ChainReport::of(&plain_http())],
        probe: vec![],
    };
    assert_eq!(exit_code(&failing), EXIT_FAILED);
}
