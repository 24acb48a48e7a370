//! Kind OriginPullCertificate's shared pieces: the clients of one event, the CA secret read and
//! written whole (`origin_pull_ca::secret::CaSecret`, contract 4), a certificate uploaded once,
//! what the Connection Function's store must list, and the public Data. No error quotes a key.

use std::collections::BTreeMap;

use cloudflare_api::Client;
use cloudfront_kvs::KvsClient;
use origin_pull_ca::secret::{CaSecret, CertState, CertificateEntry};
use origin_pull_ca::{Ca, CertificateFacts, ClientCertificate, Validity};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::handler::Env;
use crate::origin_pull_io::ensure_uploaded;
use crate::origin_pull_props::OriginPullProps;
use crate::secrets::{api_token, current_string, put_string};
use crate::zone_io;

/// The CA's validity (its certificate is CloudFront's trust store; ten years).
pub const CA_VALIDITY_DAYS: u32 = 3650;

/// The CA's common name for `owner_ref` (at most 64 characters).
pub fn ca_common_name(owner_ref: &str) -> String {
    cut(&format!("oac-kit origin pull CA {owner_ref}"))
}

/// A client certificate's common name for `owner_ref` (at most 64 characters).
pub fn client_common_name(owner_ref: &str) -> String {
    cut(&format!("oac-kit origin pull {owner_ref}"))
}

fn cut(name: &str) -> String {
    name.chars().take(origin_pull_ca::MAX_COMMON_NAME).collect()
}

/// The clients of one event.
pub struct Io {
    /// Cloudflare, with the token.
    pub cloudflare: Client,
    /// The Connection Function's store.
    pub kvs: KvsClient,
}

/// The token read, the clients made.
pub async fn io(env: &Env, props: &OriginPullProps) -> Result<Io, String> {
    let token = api_token(&env.secrets, &props.api_token_secret_arn).await?;
    Ok(Io {
        cloudflare: zone_io::client(&env.cloudflare_base, token)?,
        kvs: KvsClient::new(&env.sdk_config, &props.kvs_arn, env.kvs_endpoint.as_deref()),
    })
}

/// The CA secret: `None` while it is as CDK created it (empty or `{}`).
pub async fn read_secret(env: &Env, props: &OriginPullProps) -> Result<Option<CaSecret>, String> {
    let text = current_string(&env.secrets, &props.ca_secret_arn)
        .await
        .map_err(|e| format!("reading the CA secret: {e}"))?;
    CaSecret::from_secret_string(&text)
        .map_err(|e| format!("{} is not a CA secret: {e}", props.ca_secret_arn))
}

/// Writes the CA secret whole (a new AWSCURRENT version).
pub async fn write_secret(
    env: &Env,
    props: &OriginPullProps,
    secret: &CaSecret,
) -> Result<(), String> {
    put_string(
        &env.secrets,
        &props.ca_secret_arn,
        secret.to_secret_string(),
    )
    .await
    .map_err(|e| format!("writing the CA secret: {e}"))
}

/// A new CA holding one client certificate (state `issued`).
pub fn new_ca(props: &OriginPullProps, now: OffsetDateTime) -> Result<CaSecret, String> {
    let ca = Ca::generate(
        &ca_common_name(&props.owner_ref),
        Validity::days_from(now, CA_VALIDITY_DAYS),
    )
    .map_err(|e| format!("generating the CA: {e}"))?;
    let first = issue(&ca, &client_common_name(&props.owner_ref), props, now)?;
    Ok(CaSecret {
        ca_certificate_pem: ca.certificate_pem().to_owned(),
        ca_private_key_pem: ca.private_key_pem().clone(),
        certificates: vec![CertificateEntry::issued(first, now)],
    })
}

/// The CA of `secret`.
pub fn restore(secret: &CaSecret) -> Result<Ca, String> {
    Ca::from_pem(&secret.ca_certificate_pem, &secret.ca_private_key_pem)
        .map_err(|e| format!("restoring the CA from its secret: {e}"))
}

/// A client certificate for `subject_cn`, valid `ClientValidityDays` from `now`.
pub fn issue(
    ca: &Ca,
    subject_cn: &str,
    props: &OriginPullProps,
    now: OffsetDateTime,
) -> Result<ClientCertificate, String> {
    ca.issue_client(
        subject_cn,
        Validity::days_from(now, props.client_validity_days),
    )
    .map_err(|e| format!("issuing a client certificate: {e}"))
}

/// Uploads the certificate at `index` unless Cloudflare has it; records its id in the secret
/// (written at once, so a lost answer is not uploaded twice). Its id.
pub async fn upload(
    env: &Env,
    props: &OriginPullProps,
    io: &Io,
    secret: &mut CaSecret,
    index: usize,
) -> Result<String, String> {
    let entry = &secret.certificates[index];
    let key = cloudflare_api::PrivateKeyPem::new(entry.private_key_pem.expose().to_owned());
    let id = ensure_uploaded(
        &io.cloudflare,
        &props.zone_id,
        entry.cloudflare_id.as_deref(),
        &entry.certificate_pem,
        &key,
    )
    .await?;
    if entry.cloudflare_id.as_deref() != Some(id.as_str()) {
        secret.certificates[index].cloudflare_id = Some(id.clone());
        write_secret(env, props, secret).await?;
    }
    Ok(id)
}

/// Every Cloudflare id of ours.
pub fn our_ids(secret: &CaSecret) -> Vec<String> {
    secret
        .certificates
        .iter()
        .filter_map(|c| c.cloudflare_id.clone())
        .collect()
}

/// The index of the `active` entry.
pub fn active(secret: &CaSecret) -> Option<usize> {
    secret
        .certificates
        .iter()
        .position(|c| c.state == CertState::Active)
}

/// Moves the entry at `index` to `state` since `now`.
pub fn set_state(secret: &mut CaSecret, index: usize, state: CertState, now: OffsetDateTime) {
    let entry = &mut secret.certificates[index];
    entry.state = state;
    entry.state_since = now;
}

/// The store items (`serial:<hex>` → `{"notAfter","cn"}`, contract 2) that must be there:
/// every entry past `issued`, plus the one at `also`.
pub fn listed(secret: &CaSecret, also: Option<usize>) -> Result<BTreeMap<String, String>, String> {
    secret
        .certificates
        .iter()
        .enumerate()
        .filter(|(i, c)| c.state.is_listed() || Some(*i) == also)
        .map(|(_, c)| {
            CertificateFacts::of_pem(&c.certificate_pem)
                .map(|facts| facts.kvs_item())
                .map_err(|e| format!("the CA secret's certificate {}: {e}", c.serial))
        })
        .collect()
}

/// `CaCertificatePem`, `CaSha256` (hex SHA-256 of the PEM), `ActiveSerial`: public only.
pub fn public_data(secret: &CaSecret) -> Map<String, Value> {
    let mut data = Map::new();
    let pem = secret.ca_certificate_pem.clone();
    data.insert(
        "CaSha256".to_owned(),
        Value::String(hex::encode(Sha256::digest(pem.as_bytes()))),
    );
    data.insert("CaCertificatePem".to_owned(), Value::String(pem));
    if let Some(index) = active(secret) {
        data.insert(
            "ActiveSerial".to_owned(),
            Value::String(secret.certificates[index].serial.as_str().to_owned()),
        );
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_the_ca_certificate_its_digest_and_the_active_serial_only() {
        let props = crate::origin_pull_props::tests::sample();
        let now = OffsetDateTime::from_unix_timestamp(1_798_761_600).unwrap();
        let mut secret = new_ca(&props, now).unwrap();
        assert!(!public_data(&secret).contains_key("ActiveSerial"));
        set_state(&mut secret, 0, CertState::Active, now);
        let data = public_data(&secret);
        assert_eq!(data["ActiveSerial"], secret.certificates[0].serial.as_str());
        assert_eq!(data["CaCertificatePem"], secret.ca_certificate_pem.as_str());
        assert_eq!(data.len(), 3);
        assert!(!Value::Object(data).to_string().contains("PRIVATE KEY"));
        let items = listed(&secret, None).unwrap();
        assert_eq!(
            items.keys().collect::<Vec<_>>(),
            [&secret.certificates[0].serial.kvs_key()]
        );
    }

    #[test]
    fn common_names_fit_x509s_limit() {
        let long = "r".repeat(64);
        assert_eq!(ca_common_name(&long).chars().count(), 64);
        assert_eq!(client_common_name("abc"), "oac-kit origin pull abc");
    }
}
