//! The command line: `oac-kit <verb> …`, `doctor` the first verb.

use std::path::PathBuf;

use clap::error::ErrorKind;
use clap::{ArgGroup, Args, CommandFactory, Parser, Subcommand};

/// `oac-kit`.
#[derive(Debug, Parser)]
#[command(
    name = "oac-kit",
    version,
    about = "The oac-kit toolkit's command",
    long_about = "The oac-kit toolkit's command. `oac-kit doctor` explains a CloudFront → OAC → Lambda Function URL chain's 403s and 502s (docs/doctor.md)."
)]
pub struct Cli {
    /// The verb.
    #[command(subcommand)]
    pub command: Command,
}

/// The verbs.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a CloudFront → OAC → Lambda Function URL chain: from a synthesized template, a
    /// deployed distribution (read-only) and/or what its public hostname answers. Exit 0: every
    /// check passed or did not apply; 1: something failed; 2: usage or read error.
    Doctor(DoctorArgs),
}

/// `oac-kit doctor`'s arguments.
#[derive(Debug, Args)]
#[command(group(
    ArgGroup::new("what")
        .required(true)
        .multiple(true)
        .args(["template", "distribution", "probe", "explain"])
))]
pub struct DoctorArgs {
    /// A synthesized CloudFormation template (JSON) or a cloud assembly directory (`cdk.out`):
    /// every distribution in it is checked, offline.
    #[arg(long, value_name = "FILE|DIR", conflicts_with = "distribution")]
    pub template: Option<PathBuf>,
    /// A deployed distribution's ID, read with your AWS credentials (read-only calls).
    #[arg(long, value_name = "ID")]
    pub distribution: Option<String>,
    /// The function behind the Function URL origin (else it is found from the URL's host).
    #[arg(long, value_name = "NAME", requires = "distribution")]
    pub function: Option<String>,
    /// Send a GET and a small POST to this public hostname and explain the answers.
    #[arg(long, value_name = "URL")]
    pub probe: Option<url::Url>,
    /// Print the report as JSON (for CI): nothing else goes to stdout.
    #[arg(long)]
    pub json: bool,
    /// Print the long form of one check (its ID, as the report shows it) and exit.
    #[arg(
        long,
        value_name = "CHECK",
        conflicts_with_all = ["template", "distribution", "function", "probe"]
    )]
    pub explain: Option<String>,
}

impl Cli {
    /// Parses `args` (the program name first) as clap does, plus the rules clap's attributes do
    /// not hold when the `what` group is satisfied: `--function` needs `--distribution`.
    pub fn try_parse_checked<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let cli = Self::try_parse_from(args)?;
        let Command::Doctor(d) = &cli.command;
        if d.function.is_some() && d.distribution.is_none() {
            let mut cli = Self::command();
            let doctor = cli
                .find_subcommand_mut("doctor")
                .map(|c| c.clone().bin_name("oac-kit doctor"));
            return Err(doctor.unwrap_or(cli).error(
                ErrorKind::MissingRequiredArgument,
                "--function NAME names the function behind --distribution ID: give --distribution",
            ));
        }
        Ok(cli)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<DoctorArgs, clap::Error> {
        let cli = Cli::try_parse_checked([&["oac-kit", "doctor"], args].concat())?;
        let Command::Doctor(d) = cli.command;
        Ok(d)
    }

    #[test]
    fn each_source_alone_parses() {
        let d = parse(&["--template", "cdk.out"]).unwrap();
        assert_eq!(d.template, Some(PathBuf::from("cdk.out")));
        let d = parse(&["--distribution", "E2EXAMPLE", "--function", "api"]).unwrap();
        assert_eq!(
            (d.distribution.as_deref(), d.function.as_deref()),
            (Some("E2EXAMPLE"), Some("api"))
        );
        let d = parse(&["--probe", "https://api.example.com", "--json"]).unwrap();
        assert_eq!(d.probe.unwrap().as_str(), "https://api.example.com/");
        assert!(d.json);
        let d = parse(&["--explain", "body-hash"]).unwrap();
        assert_eq!(d.explain.as_deref(), Some("body-hash"));
    }

    #[test]
    fn a_source_with_a_probe_parses() {
        let d = parse(&["--template", "t.json", "--probe", "https://x.example"]).unwrap();
        assert!(d.template.is_some() && d.probe.is_some());
        let d = parse(&["--distribution", "E1", "--probe", "https://x.example"]).unwrap();
        assert!(d.distribution.is_some() && d.probe.is_some());
    }

    #[test]
    fn nothing_to_check_is_a_usage_error() {
        assert_eq!(
            parse(&[]).unwrap_err().kind(),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(
            parse(&["--json"]).unwrap_err().kind(),
            ErrorKind::MissingRequiredArgument
        );
    }

    #[test]
    fn template_and_distribution_together_are_refused() {
        let e = parse(&["--template", "t.json", "--distribution", "E1"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ArgumentConflict);
    }

    #[test]
    fn function_needs_a_distribution() {
        let e = parse(&["--template", "t.json", "--function", "api"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::MissingRequiredArgument);
    }

    #[test]
    fn explain_goes_alone() {
        for other in [
            ["--template", "t.json"],
            ["--distribution", "E1"],
            ["--probe", "https://x.example"],
        ] {
            let e = parse(&[&["--explain", "body-hash"][..], &other[..]].concat()).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::ArgumentConflict);
        }
    }

    #[test]
    fn a_probe_that_is_not_a_url_is_refused() {
        let e = parse(&["--probe", "not a url"]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::ValueValidation);
    }

    #[test]
    fn usage_errors_exit_2() {
        assert_eq!(parse(&[]).unwrap_err().exit_code(), 2);
    }
}
