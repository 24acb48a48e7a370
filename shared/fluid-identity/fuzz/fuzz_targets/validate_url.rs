//! Fuzz the pure URL validator: it must never panic, and whatever it accepts must be a pinned STS
//! request that re-validates to itself (the rebuilt URL is a fixed point).
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use fluid_identity::{ValidationPolicy, validate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let policy = ValidationPolicy::default();
    // 2025-03-01T12:34:56Z + 10 s, so the fuzzer can reach the accept path with dictionary dates.
    let now = UNIX_EPOCH + Duration::from_secs(1_740_832_506);
    if let Ok(accepted) = validate(value, &policy, now) {
        let url = accepted.url();
        assert!(url.starts_with(&format!(
            "https://{}/?Action=GetCallerIdentity&Version=2011-06-15&",
            accepted.host()
        )));
        assert!(policy.hosts.lookup(accepted.host()).is_some());
        let again = validate(&url, &policy, now).expect("rebuilt URL re-validates");
        assert_eq!(again, accepted);
    }
});
