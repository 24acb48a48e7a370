use super::*;

/// A source tree of `(path under src/, text)`.
fn tree(files: &[(&str, &str)]) -> Vec<Source> {
    files
        .iter()
        .map(|(path, text)| (PathBuf::from(path), (*text).to_owned()))
        .collect()
}

/// The layout of oac-dev in small: two components, the model, plumbing, wiring.
fn with(extra: &[(&str, &str)]) -> Vec<String> {
    let mut files = vec![
        (
            "lib.rs",
            "pub mod chain;\npub mod cloudfront;\npub use chain::Chain;\n",
        ),
        ("model/mod.rs", "pub mod grants;\n"),
        ("model/grants.rs", "pub struct Grants;\n"),
        ("config.rs", "use crate::model::Grants;\n"),
        (
            "chain.rs",
            "use crate::cloudfront::viewer;\nuse crate::function_url::auth;\n",
        ),
        ("cloudfront/mod.rs", "pub mod viewer;\n"),
        (
            "cloudfront/viewer.rs",
            "use super::mod_rs_item;\nuse crate::config::X;\n",
        ),
        ("function_url/mod.rs", "pub mod auth;\n"),
        (
            "function_url/auth.rs",
            "use crate::model::{Grants, grants::X};\n",
        ),
        ("main.rs", "use oac_dev::cloudfront::viewer;\n"),
        ("bin/echo.rs", "use crate::cloudfront::viewer;\n"),
    ];
    files.extend_from_slice(extra);
    check(&tree(&files))
}

#[test]
fn the_layering_as_built_passes() {
    assert_eq!(with(&[]), Vec::<String>::new());
}

#[test]
fn a_component_importing_another_fails_naming_file_line_and_arrow() {
    let v = with(&[(
        "cloudfront/oac_sign.rs",
        "//! Signs.\n\nuse crate::function_url::auth::Identity;\n",
    )]);
    assert_eq!(
        v,
        vec![
            "cloudfront/oac_sign.rs:3: cloudfront -> function_url: a component imports another \
             component; share what both need through the model"
        ]
    );
}

#[test]
fn imports_inside_a_group_and_in_expressions_count() {
    let v = with(&[
        (
            "function_url/a.rs",
            "use crate::{model::Grants, cloudfront::viewer};\n",
        ),
        (
            "runtime_api.rs",
            "fn f() { let _ = crate::cloudfront::viewer::X; }\n",
        ),
    ]);
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(
        v[0].starts_with("function_url/a.rs:1: function_url -> cloudfront:"),
        "{v:?}"
    );
    assert!(
        v[1].starts_with("runtime_api.rs:1: runtime_api -> cloudfront:"),
        "{v:?}"
    );
}

#[test]
fn a_super_chain_out_of_the_component_counts() {
    let v = with(&[(
        "function_url/sigv4/verify.rs",
        "use super::super::super::cloudfront::viewer;\n",
    )]);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("function_url -> cloudfront"), "{v:?}");
}

#[test]
fn super_inside_an_inline_test_module_stays_in_the_file() {
    let code =
        "fn helper() {}\n#[cfg(test)]\nmod tests {\n    use super::helper;\n    use super::*;\n}\n";
    assert_eq!(with(&[("runtime_api.rs", code)]), Vec::<String>::new());
}

#[test]
fn comments_and_strings_are_not_imports() {
    let code = "//! See [`crate::cloudfront::viewer`].\n/* crate::chain */\n\
                const S: &str = \"crate::chain\";\nconst R: &str = r#\"crate::chain\"#;\n\
                const C: char = '{';\nfn f<'a>(x: &'a str) {}\n";
    assert_eq!(with(&[("function_url/doc.rs", code)]), Vec::<String>::new());
}

#[test]
fn the_model_plumbing_and_wiring_rules_hold() {
    let v = with(&[
        ("model/identity.rs", "use crate::config::REGION;\n"),
        ("stage.rs", "use crate::cloudfront::viewer;\n"),
        ("edge_worker.rs", "use crate::chain::Chain;\n"),
    ]);
    let mut arrows: Vec<&str> = v.iter().map(|l| l.split(": ").nth(1).unwrap()).collect();
    arrows.sort();
    assert_eq!(
        arrows,
        [
            "edge_worker -> chain",
            "model -> config",
            "stage -> cloudfront"
        ],
        "{v:?}"
    );
}

#[test]
fn a_root_re_export_does_not_hide_an_import() {
    let v = with(&[("cloudfront/origin.rs", "use crate::Chain;\n")]);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains("cloudfront -> Chain: an item of the crate root"),
        "{v:?}"
    );
}

#[test]
fn a_file_included_with_a_path_attribute_belongs_to_its_includer() {
    let v = with(&[
        (
            "secret_source.rs",
            "use crate::model::Grants;\n#[cfg(test)]\n#[path = \"secret_source_tests.rs\"]\nmod tests;\n",
        ),
        (
            "secret_source_tests.rs",
            "use super::*;\nuse crate::cloudfront::viewer;\n",
        ),
    ]);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].starts_with("secret_source_tests.rs:2: secret_source -> cloudfront:"),
        "{v:?}"
    );
}

#[test]
fn oac_devs_own_sources_pass() {
    let src = crate::run::root().join(super::super::OAC_DEV_SRC);
    assert_eq!(check(&read_tree(&src).unwrap()), Vec::<String>::new());
}
