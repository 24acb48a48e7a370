//! `oac-kit`: the toolkit's command. `doctor` is its first verb.

mod probe_http;

fn main() {
    let _ = probe_http::run;
    eprintln!("oac-kit: not built yet");
    std::process::exit(2);
}
