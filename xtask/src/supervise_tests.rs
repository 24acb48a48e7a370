//! The supervisor must catch signals sent to its own process, so each test re-runs this test
//! binary (only that test, with [`SCENARIO`] set) as the supervisor, and watches it from outside.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use test_support::process::{Process, wait_for_exit};
use tokio::process::Command as ChildCommand;

use super::*;

/// Set in the re-run: which scenario it plays.
const SCENARIO: &str = "XTASK_SUPERVISE_SCENARIO";
/// A bound against a hang, not a measured time.
const LIMIT: Duration = Duration::from_secs(60);

/// A long-running child; with `ignore_sigterm` it only stops for SIGKILL.
fn sleeper(ignore_sigterm: bool) -> Child {
    let script = if ignore_sigterm {
        "trap '' TERM; exec sleep 1000"
    } else {
        "exec sleep 1000"
    };
    let child = ChildCommand::new("sh")
        .args(["-c", script])
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    // Past the trap and the exec, so the signal meets the disposition meant.
    let pid = child.id().unwrap();
    while Process::of(pid).is_some_and(|p| p.executable_name() != "sleep") {
        std::thread::sleep(Duration::from_millis(5));
    }
    child
}

/// A child that exits (status 3) when its stdin, the re-run's, reaches its end.
fn exits_at_end_of_stdin() -> Child {
    ChildCommand::new("sh")
        .args(["-c", "read _; exit 3"])
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

/// The re-run's part: children per scenario, their pids on stderr, then supervision.
fn play(scenario: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut supervisor = Supervisor::new(Duration::from_millis(300)).unwrap();
        let children = match scenario {
            "signal" => vec![("obeys SIGTERM", sleeper(false)), ("ignores SIGTERM", sleeper(true))],
            "exit" => vec![("sleeps", sleeper(false)), ("exits", exits_at_end_of_stdin())],
            other => panic!("no scenario {other}"),
        };
        let pids: Vec<String> = children.iter().map(|(_, c)| c.id().unwrap().to_string()).collect();
        // On stderr: unbuffered, and not what the test harness reports on.
        eprintln!("CHILDREN {}", pids.join(" "));
        for (name, child) in children {
            supervisor.adopt(name, child);
        }
        let ending = supervisor.run().await.unwrap();
        match scenario {
            "signal" => assert!(matches!(ending, Ending::Signal("SIGTERM")), "{ending:?}"),
            _ => assert!(
                matches!(&ending, Ending::Exited(name, status) if name == "exits" && status.code() == Some(3)),
                "{ending:?}"
            ),
        }
    });
}

/// Starts the re-run of `test` playing `scenario`; it and the children it reports.
fn rerun(test: &str, scenario: &str) -> (std::process::Child, Vec<Process>) {
    let mut supervisor = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads", "1"])
        .env(SCENARIO, scenario)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(supervisor.stderr.take().unwrap()).lines();
    let line = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.starts_with("CHILDREN "))
        .expect("the re-run reports its children");
    // Keep reading: the supervisor reports on this pipe until it ends.
    std::thread::spawn(move || lines.for_each(drop));
    let children = line
        .split_whitespace()
        .skip(1)
        .map(|pid| Process::of(pid.parse().unwrap()).expect("the child runs"))
        .collect();
    (supervisor, children)
}

/// Fails if any of `children` still exists (a zombie too), killing those first.
fn assert_gone(children: &[Process]) {
    let left: Vec<&Process> = children.iter().filter(|c| c.exists()).collect();
    for child in &left {
        // SAFETY: kill(2) takes no pointers; cleaning up after a failed check.
        unsafe { libc::kill(child.pid as libc::pid_t, libc::SIGKILL) };
    }
    assert!(left.is_empty(), "children left running: {left:?}");
}

#[test]
fn sigterm_stops_every_child_and_leaves_none() {
    if let Some(scenario) = std::env::var_os(SCENARIO) {
        return play(scenario.to_str().unwrap());
    }
    let (mut supervisor, children) = rerun(
        "supervise::tests::sigterm_stops_every_child_and_leaves_none",
        "signal",
    );
    assert_eq!(children.len(), 2);
    assert!(children.iter().all(Process::exists));
    Process::of(supervisor.id()).unwrap().terminate();
    let status = wait_for_exit(&mut supervisor, LIMIT);
    assert_gone(&children);
    assert!(status.success(), "the supervisor on SIGTERM: {status}");
}

#[test]
fn a_child_that_exits_ends_supervision_and_stops_the_others() {
    if let Some(scenario) = std::env::var_os(SCENARIO) {
        return play(scenario.to_str().unwrap());
    }
    let (mut supervisor, children) = rerun(
        "supervise::tests::a_child_that_exits_ends_supervision_and_stops_the_others",
        "exit",
    );
    assert_eq!(children.len(), 2);
    // Let the "exits" child go: it reads a line from its stdin, inherited from the re-run's
    // stdin, which closes with this handle.
    drop(supervisor.stdin.take());
    let status = wait_for_exit(&mut supervisor, LIMIT);
    assert_gone(&children);
    assert!(
        status.success(),
        "the supervisor after a child exited: {status}"
    );
}
