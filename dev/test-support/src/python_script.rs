//! Running a script of `dev/py` with the one interpreter ([`crate::python`]), and failing with a
//! message that names the fix when the interpreter or its packages are missing.

use std::ffi::OsStr;
use std::io::Read;
use std::process::{Child, Command, Stdio};

/// Spawns `dev/py/<script>` with `args` under [`crate::python`], all three streams piped.
pub fn spawn(script: &str, args: &[&str]) -> Child {
    spawn_with(&crate::python(), script, args)
}

/// The command that runs `dev/py/<script>` with `args` under the interpreter `py`, all three
/// streams piped (a caller that will not read stderr sets it otherwise).
pub fn command(py: impl AsRef<OsStr>, script: &str, args: &[&str]) -> Command {
    let mut command = Command::new(py);
    command
        .arg(crate::py_script(script))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Like [`spawn`], with an explicit interpreter (the tests of the failure message use it).
pub fn spawn_with(py: &str, script: &str, args: &[&str]) -> Child {
    command(py, script, args).spawn().unwrap_or_else(|e| {
        panic!(
            "cannot run the Python interpreter {py:?} ({e}). Set OAC_KIT_PYTHON to a Python 3 \
                 with the packages of tests/requirements.txt installed."
        )
    })
}

/// Kills `child` and panics with its stderr and how to install the test prerequisites.
pub fn explain_failure(child: &mut Child, what: &str) -> ! {
    let _ = child.kill();
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut err);
    }
    let py = crate::python();
    panic!(
        "{what} failed with interpreter {py:?}: {err}\nInstall the test prerequisites: \
         {py:?} -m pip install -r tests/requirements.txt (or set OAC_KIT_PYTHON)."
    )
}

/// Reads the `PORT <n>` line a stand-in prints once listening; fails with its stderr otherwise.
pub fn read_port_line(child: &mut Child, what: &str) -> u16 {
    use std::io::BufRead;
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout piped");
    std::io::BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read the port line");
    match port_of(&line) {
        Some(port) => port,
        None => explain_failure(child, what),
    }
}

/// The port of the `PORT <n>` line a stand-in prints once listening.
pub fn port_of(line: &str) -> Option<u16> {
    line.trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
}
