//! Where the Python and Node.js snippets send the identity: every case of
//! `fixtures/clients/plain-http-cases.json` (oac-client is tested against the same table) gets its
//! verdict from each snippet's own URL check; a refused URL exits 2 and reaches nobody, not even
//! an opted-in proxy; the environment's proxy variables are ignored unless `--use-env-proxy`.
//! Local listeners stand for the API and the proxy; the identity is minted from the stand-in
//! credentials without asking STS.

mod callers;
mod common;

use callers::credential_env;
use callers::snippet::Snippet;
use test_support::recording_listener::{RecordingListener, proxy_env};
use test_support::standin_credentials;
use test_support::transport_cases::{self, TransportCase};

/// Reads the table (argv[1]) and prints each case's verdict by the module at argv[2].
const PYTHON_VERDICTS: &str = r#"
import json, os, sys
sys.path.insert(0, os.path.dirname(sys.argv[2]))
import oac_call
verdicts = []
for case in json.load(open(sys.argv[1]))["cases"]:
    try:
        oac_call.check_url(case["url"])
        verdicts.append(True)
    except oac_call.RefusedUrlError:
        verdicts.append(False)
print(json.dumps(verdicts))
"#;

const NODE_VERDICTS: &str = r#"
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [table, script] = process.argv.slice(1);
const { checkUrl, RefusedUrlError } = await import(pathToFileURL(script).href);
const verdicts = JSON.parse(readFileSync(table, "utf8")).cases.map(({ url }) => {
  try {
    checkUrl(url);
    return true;
  } catch (e) {
    if (e instanceof RefusedUrlError) return false;
    throw e;
  }
});
console.log(JSON.stringify(verdicts));
"#;

impl Snippet {
    /// Each case's verdict by the snippet's own check, in table order.
    fn verdicts(self) -> Vec<bool> {
        let (interpreter, script) = self.command();
        let table = transport_cases::path().display().to_string();
        let args = match self {
            Snippet::Python => vec!["-c", PYTHON_VERDICTS, &table, &script],
            Snippet::Node => vec!["--input-type=module", "-e", NODE_VERDICTS, &table, &script],
        };
        let path = std::env::var("PATH").unwrap_or_default();
        let out = test_support::cli::run_clean(interpreter, &args, "", &[("PATH", &path)]);
        assert!(out.status.success(), "{self:?}: {out:?}");
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// The verdict the table gives this snippet.
    fn expected(self, case: &TransportCase) -> bool {
        match self {
            Snippet::Python => case.allowed_in_python(),
            Snippet::Node => case.allowed,
        }
    }

    /// The snippet with stand-in credentials, `args`, and `env` besides.
    fn run_as_role(self, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        let credentials = credential_env(standin_credentials::role());
        let mut all: Vec<(&str, &str)> =
            credentials.iter().map(|(k, v)| (*k, v.as_str())).collect();
        all.extend_from_slice(env);
        self.run_with_env(args, &all)
    }
}

/// The stderr of a refused run (exit 2, nothing on stdout).
fn refused(snippet: Snippet, out: &std::process::Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{snippet:?}: {out:?}");
    assert!(out.stdout.is_empty(), "{snippet:?}: {out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_ok(snippet: Snippet, out: &std::process::Output) {
    assert_eq!(out.status.code(), Some(0), "{snippet:?}: {out:?}");
}

#[test]
fn both_snippets_give_every_case_of_the_shared_table_its_verdict() {
    let cases = transport_cases::load();
    for snippet in Snippet::ALL {
        let verdicts = snippet.verdicts();
        assert_eq!(verdicts.len(), cases.len(), "{snippet:?}");
        let wrong: Vec<String> = cases
            .iter()
            .zip(verdicts)
            .filter(|(case, verdict)| *verdict != snippet.expected(case))
            .map(|(case, verdict)| format!("{} -> {verdict} ({})", case.url, case.why))
            .collect();
        assert!(wrong.is_empty(), "{snippet:?}:\n{}", wrong.join("\n"));
    }
}

#[test]
fn plain_http_to_the_unspecified_address_exits_2_and_sends_nothing() {
    // Linux connects 0.0.0.0 to this machine: without the rule the listener would be called.
    for snippet in Snippet::ALL {
        let api = RecordingListener::start();
        let url = format!("http://0.0.0.0:{}/v1/whoami", api.port());
        let stderr = refused(snippet, &snippet.run_as_role(&[&url], &[]));
        assert!(
            stderr.contains("refusing plain http"),
            "{snippet:?}: {stderr}"
        );
        assert_eq!(
            api.connections(),
            0,
            "{snippet:?}: nothing reached the listener"
        );
    }
}

#[test]
fn plain_http_to_a_network_name_is_refused_even_through_an_opted_in_proxy() {
    // The name doesn't resolve here, but a proxy would take the request anyway.
    for snippet in Snippet::ALL {
        let proxy = RecordingListener::start();
        let args = ["--use-env-proxy", "http://api.example.com/v1/whoami"];
        let stderr = refused(
            snippet,
            &snippet.run_as_role(&args, &proxy_env(&proxy.url())),
        );
        assert!(stderr.contains("api.example.com"), "{snippet:?}: {stderr}");
        assert_eq!(
            proxy.connections(),
            0,
            "{snippet:?}: nothing reached the proxy"
        );
    }
}

#[test]
fn plain_http_to_localhost_is_sent() {
    for snippet in Snippet::ALL {
        let api = RecordingListener::start();
        let url = format!("http://localhost:{}/v1/whoami", api.port());
        assert_ok(snippet, &snippet.run_as_role(&[&url], &[]));
        assert_eq!(
            api.request_lines(),
            ["GET /v1/whoami HTTP/1.1"],
            "{snippet:?}"
        );
    }
}

#[test]
fn the_proxy_variables_are_ignored_by_default() {
    for snippet in Snippet::ALL {
        let (api, proxy) = (RecordingListener::start(), RecordingListener::start());
        let url = format!("{}/v1/whoami", api.url());
        assert_ok(
            snippet,
            &snippet.run_as_role(&[&url], &proxy_env(&proxy.url())),
        );
        assert_eq!(
            api.request_lines(),
            ["GET /v1/whoami HTTP/1.1"],
            "{snippet:?}"
        );
        assert_eq!(
            proxy.connections(),
            0,
            "{snippet:?}: the proxy was not used"
        );
    }
}

#[test]
fn the_proxy_variables_are_used_with_use_env_proxy() {
    for snippet in Snippet::ALL {
        let (api, proxy) = (RecordingListener::start(), RecordingListener::start());
        let url = format!("{}/v1/whoami", api.url());
        let args = ["--use-env-proxy", url.as_str()];
        assert_ok(
            snippet,
            &snippet.run_as_role(&args, &proxy_env(&proxy.url())),
        );
        // urllib forwards (`GET http://127.0.0.1:…/v1/whoami`), undici tunnels (`CONNECT 127.0.0.1:…`).
        let lines = proxy.request_lines();
        let first = lines.first().map(String::as_str).unwrap_or_default();
        let target = api.url().replace("http://", "");
        assert!(
            first == format!("GET {url} HTTP/1.1") || first == format!("CONNECT {target} HTTP/1.1"),
            "{snippet:?}: {lines:?}"
        );
        assert_eq!(
            api.connections(),
            0,
            "{snippet:?}: the request went through the proxy"
        );
    }
}
