//! Processes as `/proc` sees them (Linux), for tests that stop a process tree and check that
//! nothing is left: a process's identity (pid and start time, so a reused pid is never taken
//! for it), its children, what its command line and environment hold, and SIGTERM.
//! Also [`OacDev`]: an `oac-dev` process, started by a test's own command line.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Child, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// One process: its pid and its start time (field 22 of `/proc/<pid>/stat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Process {
    /// The process id.
    pub pid: u32,
    start_time: u64,
}

/// From `/proc/<pid>/stat`: (parent pid, start time).
fn stat(pid: u32) -> Option<(u32, u64)> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
    let fields: Vec<&str> = text.rsplit_once(')')?.1.split_whitespace().collect();
    // Field 4 (ppid) and field 22 (starttime), counted from 1 with pid and comm as 1 and 2.
    Some((fields.get(1)?.parse().ok()?, fields.get(19)?.parse().ok()?))
}

impl Process {
    /// The process `pid` as it is now; `None` if there is none.
    pub fn of(pid: u32) -> Option<Self> {
        stat(pid).map(|(_, start_time)| Self { pid, start_time })
    }

    /// Whether it still exists, a zombie included (what `kill(pid, 0)` would say), and is the
    /// same process (not a later one given the same pid).
    pub fn exists(&self) -> bool {
        stat(self.pid).is_some_and(|(_, start)| start == self.start_time)
    }

    /// Its children now (every process whose parent it is).
    pub fn children(&self) -> Vec<Process> {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter_map(|pid| {
                let (ppid, start_time) = stat(pid)?;
                (ppid == self.pid).then_some(Process { pid, start_time })
            })
            .collect()
    }

    /// Its command line, the arguments joined by spaces.
    pub fn command_line(&self) -> String {
        proc_strings(self.pid, "cmdline").join(" ")
    }

    /// Its environment, `KEY=VALUE` each.
    pub fn environment(&self) -> Vec<String> {
        proc_strings(self.pid, "environ")
    }

    /// Its executable's file name (`/proc/<pid>/exe`).
    pub fn executable_name(&self) -> String {
        std::fs::read_link(format!("/proc/{}/exe", self.pid))
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default()
    }

    /// Its peak resident set so far, in bytes (`VmHWM` of `/proc/<pid>/status`); `None` when it
    /// is gone.
    pub fn peak_rss(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid)).ok()?;
        let kib = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse::<u64>()
            .ok()?;
        Some(kib * 1024)
    }

    /// Sends it SIGTERM.
    pub fn terminate(&self) {
        let pid = i32::try_from(self.pid).expect("a pid fits in pid_t");
        // SAFETY: kill(2) takes no pointers; a missing process is an error result, not UB.
        let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
        assert_eq!(
            sent,
            0,
            "SIGTERM to {}: {}",
            self.pid,
            std::io::Error::last_os_error()
        );
    }
}

fn proc_strings(pid: u32, file: &str) -> Vec<String> {
    std::fs::read(format!("/proc/{pid}/{file}"))
        .unwrap_or_default()
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}

/// Waits for `child` to exit, failing the test after `limit` (a bound against a hang, never a
/// measured time).
pub fn wait_for_exit(child: &mut Child, limit: Duration) -> ExitStatus {
    let until = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if Instant::now() > until {
            let _ = child.kill();
            let _ = child.wait();
            panic!("pid {} did not exit within {limit:?}", child.id());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A running `oac-dev`, started from a test's command line (listening on a loopback port).
/// Killed on drop if still running; [`OacDev::stop`] sends SIGTERM and waits instead.
pub struct OacDev {
    child: Child,
    /// Where it listens.
    pub address: SocketAddr,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl OacDev {
    /// Starts `command` (an `oac-dev` command line; its stderr is taken here) and waits for its
    /// "listening on" line (`http://` or, with viewer mTLS, `https://`). Panics with its output
    /// if it exits first. Its stderr is kept ([`OacDev::log`]) and echoed.
    pub fn start(mut command: std::process::Command) -> Self {
        let mut child = command
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting oac-dev");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr is piped")).lines();
        let mut seen = String::new();
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let address = loop {
            let Some(Ok(line)) = lines.next() else {
                let _ = child.wait();
                panic!("oac-dev exited before listening:\n{seen}");
            };
            seen.push_str(&line);
            seen.push('\n');
            log.lock().expect("log lock").push(line.clone());
            let after = |scheme: &str| line.split_once(scheme).map(|(_, r)| r.to_owned());
            if let Some(rest) =
                after("listening on http://").or_else(|| after("listening on https://"))
            {
                let address = rest.split_whitespace().next().unwrap_or_default();
                break address.parse().expect("a socket address after http://");
            }
        };
        // Keep reading, so oac-dev never blocks on a full pipe; echo for the test's output.
        let kept = log.clone();
        std::thread::spawn(move || {
            lines.map_while(Result::ok).for_each(|l| {
                eprintln!("{l}");
                kept.lock().expect("log lock").push(l);
            })
        });
        Self {
            child,
            address,
            log,
        }
    }

    /// Its stderr lines so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log lock").clone()
    }

    /// Waits for a stderr line containing `needle` that is not among the first `after` lines;
    /// that line. Panics after `limit` with the log (a bound against a hang).
    pub fn wait_for_log(&self, needle: &str, after: usize, limit: Duration) -> String {
        let until = Instant::now() + limit;
        loop {
            let log = self.log();
            if let Some(line) = log.iter().skip(after).find(|l| l.contains(needle)) {
                return line.clone();
            }
            assert!(
                Instant::now() < until,
                "no line with {needle:?} within {limit:?}:\n{}",
                log.join("\n")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The process.
    pub fn process(&self) -> Process {
        Process::of(self.child.id()).expect("oac-dev is running")
    }

    /// The status of `GET path` with `headers` (`name: value` each), over a plain socket.
    pub fn status_of(&self, path: &str, headers: &[String]) -> u16 {
        let mut stream = std::net::TcpStream::connect(self.address).expect("connect oac-dev");
        let mut request =
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        for header in headers {
            request.push_str(header);
            request.push_str("\r\n");
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP response: {response:?}"))
    }

    /// Sends SIGTERM and waits for oac-dev to exit (a minute at the most); its status.
    pub fn stop(mut self) -> ExitStatus {
        self.process().terminate();
        wait_for_exit(&mut self.child, Duration::from_secs(60))
    }
}

impl Drop for OacDev {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
