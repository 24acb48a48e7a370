//! Certificates for the tests, from the real origin-pull CA (`origin_pull_ca`): the zone's CA,
//! another CA, client certificates with chosen validity, written as PEM files.

use std::path::{Path, PathBuf};

use origin_pull_ca::Validity;
use time::{Duration, OffsetDateTime};

/// A CA and where its PEM is.
pub struct Ca {
    ca: origin_pull_ca::Ca,
    /// Its certificate (the trust store's bundle).
    pub pem: PathBuf,
}

/// A client certificate's files and its canonical serial.
pub struct Client {
    /// Certificate PEM.
    pub cert: PathBuf,
    /// Key PEM.
    pub key: PathBuf,
    /// Canonical serial (contract 1).
    pub serial: String,
}

/// From `days.0` to `days.1` days from now.
fn days(days: (i64, i64)) -> Validity {
    let now = OffsetDateTime::now_utc();
    Validity::between(now + Duration::days(days.0), now + Duration::days(days.1))
}

impl Ca {
    /// A new CA named `name`, its PEM written under `dir`.
    pub fn new(dir: &Path, name: &str) -> Self {
        let ca = origin_pull_ca::Ca::generate(name, days((-400, 3650))).unwrap();
        let pem = dir.join(format!("{name}.pem"));
        std::fs::write(&pem, ca.certificate_pem()).unwrap();
        Self { ca, pem }
    }

    /// A client certificate named `name`, valid from `days_from_now.0` to `days_from_now.1`
    /// days from now.
    pub fn issue(&self, dir: &Path, name: &str, days_from_now: (i64, i64)) -> Client {
        let issued = self.ca.issue_client(name, days(days_from_now)).unwrap();
        let cert = dir.join(format!("{name}.pem"));
        let key = dir.join(format!("{name}.key.pem"));
        std::fs::write(&cert, &issued.cert_pem).unwrap();
        std::fs::write(&key, issued.key_pem.expose()).unwrap();
        Client {
            cert,
            key,
            serial: issued.serial.as_str().to_owned(),
        }
    }
}
