//! `cargo bench -p ip-filter-core`: time per decision of the ip-filter matcher (target
//! < 100 ns), text in (parse + lookup, what a request costs) and parsed address in (lookup only).
//! (The generated CloudFront Function's size: `target/sizes.txt`, see `cargo xtask cloudfront-function`.)
//!
//! `is_allowed` is wall-clock time; `is_allowed_cpu` is the same work timed with the thread's CPU
//! clock, which does not count time spent waiting for a core on a shared machine.
// criterion_group! generates public functions that cannot carry doc comments.
#![allow(missing_docs)]

use std::hint::black_box;
use std::net::IpAddr;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use ip_filter_core::IpFilter;

const ADDRESSES: &[(&str, &str)] = &[
    ("v4_allowed", "172.70.34.12"),
    ("v4_rejected", "203.0.113.9"),
    ("v6_allowed", "2606:4700:10::6816:1a2b"),
    ("v6_rejected", "2001:db8:85a3::8a2e:370:7334"),
    ("v4_mapped_allowed", "::ffff:104.16.0.1"),
    ("garbage", "not-an-address"),
];

fn bench(c: &mut Criterion) {
    let filter = IpFilter::from_config_json("{}").unwrap();
    let mut group = c.benchmark_group("is_allowed");
    for (name, address) in ADDRESSES {
        group.bench_function(*name, |b| b.iter(|| filter.is_allowed(black_box(address))));
    }
    group.finish();

    let mut group = c.benchmark_group("is_allowed_cpu");
    for (name, address) in ADDRESSES {
        group.bench_function(*name, |b| {
            b.iter_custom(|iters| {
                let start = thread_cpu_time();
                for _ in 0..iters {
                    black_box(filter.is_allowed(black_box(address)));
                }
                thread_cpu_time().saturating_sub(start)
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("contains_parsed");
    for (name, address) in ADDRESSES {
        let Ok(addr) = address.parse::<IpAddr>() else {
            continue;
        };
        group.bench_function(*name, |b| {
            b.iter(|| filter.ranges().contains(black_box(addr)))
        });
    }
    group.finish();
}

/// CPU time consumed by this thread so far.
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = bench
}
criterion_main!(benches);
