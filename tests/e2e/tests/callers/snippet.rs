//! The Python (botocore) and Node.js (AWS SDK v3 signer) snippets of `clients/`, run as commands.
//!
//! Python is `OAC_KIT_PYTHON` (the project's venv has botocore); Node.js is `OAC_KIT_NODE`, else
//! `node`, with `clients/node/node_modules` installed from the lockfile (`cargo xtask test` runs
//! `npm ci` there). Missing prerequisites fail, never skip.

use test_support::standin_credentials::StandInCredential;

use super::{AUDIENCE, Target, credential_env};

/// One of the two snippets.
#[derive(Clone, Copy, Debug)]
pub enum Snippet {
    Python,
    Node,
}

impl Snippet {
    /// Both.
    pub const ALL: [Snippet; 2] = [Snippet::Python, Snippet::Node];

    /// The interpreter and the script.
    pub fn command(self) -> (String, String) {
        let clients = test_support::repo_root().join("clients");
        match self {
            Snippet::Python => (
                test_support::python(),
                clients.join("python/oac_call.py").display().to_string(),
            ),
            Snippet::Node => {
                for package in ["@smithy/signature-v4", "undici"] {
                    assert!(
                        clients.join("node/node_modules").join(package).is_dir(),
                        "clients/node has no node_modules/{package}: run `npm ci` in clients/node (cargo xtask test does)"
                    );
                }
                (
                    std::env::var("OAC_KIT_NODE").unwrap_or_else(|_| "node".into()),
                    clients.join("node/oac-call.mjs").display().to_string(),
                )
            }
        }
    }

    /// Runs the snippet's command with `--audience AUDIENCE`, `args`, and only `env` (plus PATH).
    pub fn run_with_env(self, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
        let mut child = self
            .command_with_env(args, env)
            .spawn()
            .expect("run the snippet");
        drop(child.stdin.take()); // nothing on stdin
        child.wait_with_output().unwrap()
    }

    /// The command [`Snippet::run_with_env`] runs, to `spawn` and read as it runs.
    pub fn command_with_env(self, args: &[&str], env: &[(&str, &str)]) -> std::process::Command {
        let (interpreter, script) = self.command();
        let mut all = vec![script.as_str(), "--audience", AUDIENCE];
        all.extend_from_slice(args);
        let path = std::env::var("PATH").unwrap_or_default();
        let mut env = env.to_vec();
        env.push(("PATH", path.as_str()));
        test_support::cli::clean_command(interpreter, &all, &env)
    }

    /// Runs the snippet's command as `who` with the target's caller headers and `args`.
    pub fn run(
        self,
        target: &impl Target,
        who: &StandInCredential,
        args: &[&str],
    ) -> std::process::Output {
        let headers = target.header_args();
        let mut all: Vec<&str> = headers.iter().map(String::as_str).collect();
        all.extend_from_slice(args);
        let env = credential_env(who);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.run_with_env(&all, &env)
    }
}
